-- One outbox for every mail: a letter sent by e-mail is a row of `notifications`
-- like a reminder, claimed, leased, retried and reported by the same worker. Its row
-- names the letter and no staff recipient: the requester's address, the cover text
-- and the PDF are read when it is sent, so the outbox keeps no copy of them.
CREATE TABLE notifications_new (
    id TEXT NOT NULL PRIMARY KEY,
    -- request|deadline|stage|recipient|deadline date: one reminder, once;
    -- letter|id: one mail per letter.
    key TEXT NOT NULL UNIQUE,
    request_id TEXT REFERENCES requests (id),
    -- The staff member a reminder or digest is for; none for a letter.
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
    last_error, message_id, digest_id, created_at, sent_at)
SELECT id, key, request_id, recipient_id, recipient_email, stage, deadline,
    deadline_date, subject, body_text, body_html, status, attempts, next_attempt_at, claimed_until,
    last_error, message_id, digest_id, created_at, sent_at
FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX notifications_delivery_idx ON notifications (status, next_attempt_at);
CREATE INDEX notifications_request_idx ON notifications (request_id, status);
CREATE INDEX notifications_recipient_idx ON notifications (recipient_id, status);
CREATE UNIQUE INDEX notifications_letter_idx ON notifications (letter_id);

-- The letters waiting for delivery move to the outbox, as they stand (attempts and
-- last error kept; a lease held by the old worker is let go).
INSERT INTO notifications (id, key, request_id, recipient_id, recipient_email, stage, subject,
    body_text, body_html, status, attempts, next_attempt_at, last_error, created_at, letter_id)
SELECT id, 'letter|' || id, request_id, NULL, '', 'letter', '', '', '', 'queued', attempts,
    COALESCE(next_attempt_at, updated_at), last_error, updated_at, id
FROM letters WHERE status = 'queued' AND channel = 'email';

-- The letters keep their state (queued, sent, failed), attempts and last error for
-- their own pages; the queue's columns go.
DROP INDEX letters_delivery_idx;
ALTER TABLE letters DROP COLUMN next_attempt_at;
ALTER TABLE letters DROP COLUMN claimed_until;
