-- Why a visitor (or the front desk for a caller) cancelled a consult, as
-- typed: sealed like the booking's reason (aad consults.cancel_reason).
ALTER TABLE consults ADD COLUMN cancel_reason TEXT NOT NULL DEFAULT '';
