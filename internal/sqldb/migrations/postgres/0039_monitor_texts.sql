-- A monitor's text leaves the machine through a provider, outside any
-- transaction: like a text reminder it is made pending, claimed (sending)
-- before it is sent and settled after, so it is sent at most once. An
-- email row is settled when its message is queued: 'sent'. last_error is
-- sealed: a provider's answer may quote the number.
ALTER TABLE monitor_messages ADD COLUMN status TEXT NOT NULL DEFAULT 'sent'
    CHECK (status IN ('pending', 'sending', 'sent', 'skipped', 'failed'));
ALTER TABLE monitor_messages ADD COLUMN attempts BIGINT NOT NULL DEFAULT 0;
ALTER TABLE monitor_messages ADD COLUMN error_class TEXT NOT NULL DEFAULT '';
ALTER TABLE monitor_messages ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
ALTER TABLE monitor_messages ADD COLUMN provider_id TEXT NOT NULL DEFAULT '';
ALTER TABLE monitor_messages ADD COLUMN sent_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX monitor_messages_status ON monitor_messages (status);
CREATE INDEX monitor_messages_message ON monitor_messages (message_id);
