-- The billing reports read the postings by themselves (sqldb/billing_reports.go):
-- a month's sums by entity, charge type and kind, and each client's
-- balance with each entity by age. These indexes hold every column those
-- queries read, so a month of 20,000 charges is summed from the index in
-- its order, without a visit to the table or a sort.
CREATE INDEX postings_month ON postings (at, entity_id, charge_type, kind, amount_cents);
CREATE INDEX postings_aged ON postings (client_id, entity_id, at, amount_cents);
