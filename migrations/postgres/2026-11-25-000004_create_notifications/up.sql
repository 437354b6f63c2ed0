-- Reminder e-mails: an outbox written in the same transaction as the sweep that
-- decides a reminder is due, delivered by a worker.

-- When the next reminder of a request becomes due; a sweep reads only rows with
-- next_reminder_at <= now, so its cost follows the reminders due, not the register.
ALTER TABLE requests ADD COLUMN next_reminder_at TIMESTAMP;
CREATE INDEX requests_next_reminder_idx ON requests (next_reminder_at);

-- Each reminder, or a morning digest of them.
ALTER TABLE users ADD COLUMN reminders TEXT NOT NULL DEFAULT 'each' CHECK (reminders IN ('each', 'daily_digest'));

CREATE TABLE notifications (
    id TEXT NOT NULL PRIMARY KEY,
    -- request|deadline|stage|recipient|deadline date: one reminder, once.
    key TEXT NOT NULL UNIQUE,
    request_id TEXT REFERENCES requests (id),
    recipient_id TEXT NOT NULL REFERENCES users (id),
    recipient_email TEXT NOT NULL,
    stage TEXT NOT NULL,
    deadline TEXT,
    deadline_date DATE,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    -- queued → sending → sent | failed; held (waiting for a digest) → digested; cancelled
    status TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'held', 'digested', 'cancelled')),
    attempts INTEGER NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_until TIMESTAMP,
    last_error TEXT,
    message_id TEXT,
    digest_id TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX notifications_delivery_idx ON notifications (status, next_attempt_at);
CREATE INDEX notifications_request_idx ON notifications (request_id, status);
CREATE INDEX notifications_recipient_idx ON notifications (recipient_id, status);
