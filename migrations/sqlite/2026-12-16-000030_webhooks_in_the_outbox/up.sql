-- A system's webhook is a row of the outbox too: claimed, leased, retried with the
-- same back-off and reported like a mail, but sent as a signed HTTP POST to the
-- system's address. Its row names the task and nothing else (the address, the key
-- and the body are read when it is sent). Exactly one of a staff recipient, a letter
-- and a task. SQLite changes a CHECK by rebuilding the table.
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
    task_id TEXT REFERENCES tasks (id),
    CHECK ((recipient_id IS NOT NULL) + (letter_id IS NOT NULL) + (task_id IS NOT NULL) = 1)
);
INSERT INTO notifications_new (id, key, request_id, recipient_id, recipient_email, stage, deadline,
    deadline_date, subject, body_text, body_html, status, attempts, next_attempt_at, claimed_until,
    last_error, message_id, digest_id, created_at, sent_at, letter_id)
SELECT id, key, request_id, recipient_id, recipient_email, stage, deadline,
    deadline_date, subject, body_text, body_html, status, attempts, next_attempt_at, claimed_until,
    last_error, message_id, digest_id, created_at, sent_at, letter_id
FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX notifications_delivery_idx ON notifications (status, next_attempt_at);
CREATE INDEX notifications_request_idx ON notifications (request_id, status);
CREATE INDEX notifications_recipient_idx ON notifications (recipient_id, status);
CREATE UNIQUE INDEX notifications_letter_idx ON notifications (letter_id);
CREATE UNIQUE INDEX notifications_task_idx ON notifications (task_id);
