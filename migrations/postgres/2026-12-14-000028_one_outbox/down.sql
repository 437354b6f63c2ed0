ALTER TABLE letters ADD COLUMN next_attempt_at TIMESTAMP;
ALTER TABLE letters ADD COLUMN claimed_until TIMESTAMP;
UPDATE letters SET next_attempt_at = n.next_attempt_at
FROM notifications AS n WHERE n.letter_id = letters.id
  AND letters.status = 'queued' AND letters.channel = 'email';
CREATE INDEX letters_delivery_idx ON letters (status, next_attempt_at);

DELETE FROM notifications WHERE letter_id IS NOT NULL;
DROP INDEX notifications_letter_idx;
ALTER TABLE notifications DROP CONSTRAINT notifications_letter_or_recipient;
ALTER TABLE notifications DROP COLUMN letter_id;
ALTER TABLE notifications ALTER COLUMN recipient_id SET NOT NULL;
