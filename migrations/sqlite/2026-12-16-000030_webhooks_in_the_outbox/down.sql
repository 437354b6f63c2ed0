-- The webhooks' rows go (they cannot be kept without a task).
CREATE TABLE notifications_new (
    id TEXT NOT NULL PRIMARY KEY,
    -- request|deadline|stage|recipient|deadline date: one reminder, once;
    -- letter|id: one mail per letter; webhook|task id: one call per task.
    key TEXT NOT NULL UNIQUE,
    request_id TEXT REFERENCES requests (id),
    -- The staff member a reminder or digest is for; none for a letter or a webhook.
    recipient_id TEXT REFERENCES users (id),
    recipient_email TEXT NOT NULL,
    stage TEXT NOT NULL,
    deadline TEXT,
    deadline_date DATE,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'held', 'digested', 'cancelled')),
    attempts INTEGER NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_until TIMESTAMP,
    last_error TEXT,
    message_id TEXT,
    digest_id TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP,
    letter_id TEXT REFERENCES letters (id),
    CHECK ((letter_id IS NULL) <> (recipient_id IS NULL))
);
INSERT INTO notifications_new (id, key, request_id, recipient_id, recipient_email, stage, deadline,
    deadline_date, subject, body_text, body_html, status, attempts, next_attempt_at, claimed_until,
    last_error, message_id, digest_id, created_at, sent_at, letter_id)
SELECT id, key, request_id, recipient_id, recipient_email, stage, deadline,
    deadline_date, subject, body_text, body_html, status, attempts, next_attempt_at, claimed_until,
    last_error, message_id, digest_id, created_at, sent_at, letter_id
FROM notifications WHERE task_id IS NULL;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX notifications_delivery_idx ON notifications (status, next_attempt_at);
CREATE INDEX notifications_request_idx ON notifications (request_id, status);
CREATE INDEX notifications_recipient_idx ON notifications (recipient_id, status);
CREATE UNIQUE INDEX notifications_letter_idx ON notifications (letter_id);
