-- Private booking holds and mails at most journey.MaxHoldsPerAddress times
-- an hour for one address: counted by the address's blind index.
CREATE INDEX consult_holds_email ON consult_holds (email_key, created_at);
