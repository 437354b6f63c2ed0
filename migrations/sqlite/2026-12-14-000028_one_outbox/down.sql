ALTER TABLE letters ADD COLUMN next_attempt_at TIMESTAMP;
ALTER TABLE letters ADD COLUMN claimed_until TIMESTAMP;
UPDATE letters SET next_attempt_at = (
    SELECT n.next_attempt_at FROM notifications AS n WHERE n.letter_id = letters.id)
WHERE status = 'queued' AND channel = 'email';
CREATE INDEX letters_delivery_idx ON letters (status, next_attempt_at);

CREATE TABLE notifications_old (
    id TEXT NOT NULL PRIMARY KEY,
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
INSERT INTO notifications_old
SELECT id, key, request_id, recipient_id, recipient_email, stage, deadline,
    deadline_date, subject, body_text, body_html, status, attempts, next_attempt_at, claimed_until,
    last_error, message_id, digest_id, created_at, sent_at
FROM notifications WHERE letter_id IS NULL;
DROP TABLE notifications;
ALTER TABLE notifications_old RENAME TO notifications;
CREATE INDEX notifications_delivery_idx ON notifications (status, next_attempt_at);
CREATE INDEX notifications_request_idx ON notifications (request_id, status);
CREATE INDEX notifications_recipient_idx ON notifications (recipient_id, status);
