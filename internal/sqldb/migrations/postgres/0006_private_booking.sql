-- Private booking and manage links that are never taken away.
--
-- consult_links: manage links sent after the one made at booking (a resend,
-- or a booking attempt under private booking by an address that already has
-- a consult). Each works beside the others, so whoever knows someone's
-- address cannot void the link they hold.
CREATE TABLE consult_links (
    token_hash TEXT PRIMARY KEY,
    consult_id BIGINT NOT NULL REFERENCES consults (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX consult_links_consult ON consult_links (consult_id);

-- link_requests: "email me my link" requests, answered by a job so the
-- answer takes as long whether or not the address has a consult. Only the
-- address's blind index is kept (the mail goes to the consult's own sealed
-- address), for an hour, to limit requests per address.
CREATE TABLE link_requests (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email_key   TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    answered_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX link_requests_email ON link_requests (email_key, created_at);

-- consult_holds: a time held for a visitor under private booking until
-- they confirm by the emailed link (consult_id is then set) or hold_until
-- passes. A live hold takes its time off the slot list. Name, email, phone
-- and reason are sealed like the consult's, and emptied once confirmed.
CREATE TABLE consult_holds (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    therapist_id   BIGINT NOT NULL REFERENCES staff (id),
    start_at       BIGINT NOT NULL,
    end_at         BIGINT NOT NULL,
    block_end      BIGINT NOT NULL,
    hold_until     BIGINT NOT NULL,
    token_hash     TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    email          TEXT NOT NULL,
    email_key      TEXT NOT NULL,
    phone          TEXT NOT NULL DEFAULT '',
    contact_method TEXT NOT NULL,
    time_zone      TEXT NOT NULL,
    reason         TEXT NOT NULL DEFAULT '',
    consult_id     BIGINT REFERENCES consults (id),
    created_at     BIGINT NOT NULL
);
CREATE INDEX consult_holds_live ON consult_holds (hold_until, start_at);

-- Private booking is off by default: booking stays instant.
ALTER TABLE practice ADD COLUMN private_booking BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE practice ADD COLUMN hold_minutes INTEGER NOT NULL DEFAULT 30 CHECK (hold_minutes BETWEEN 5 AND 120);
