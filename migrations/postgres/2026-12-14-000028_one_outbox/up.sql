-- One outbox for every mail: a letter sent by e-mail is a row of `notifications`
-- like a reminder, claimed, leased, retried and reported by the same worker. Its row
-- names the letter and no staff recipient: the requester's address, the cover text
-- and the PDF are read when it is sent, so the outbox keeps no copy of them.
ALTER TABLE notifications ALTER COLUMN recipient_id DROP NOT NULL;
ALTER TABLE notifications ADD COLUMN letter_id TEXT REFERENCES letters (id);
ALTER TABLE notifications ADD CONSTRAINT notifications_letter_or_recipient
    CHECK ((letter_id IS NULL) <> (recipient_id IS NULL));
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
