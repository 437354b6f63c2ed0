-- A system's webhook is a row of the outbox too: claimed, leased, retried with the
-- same back-off and reported like a mail, but sent as a signed HTTP POST to the
-- system's address. Its row names the task and nothing else (the address, the key
-- and the body are read when it is sent). Exactly one of a staff recipient, a letter
-- and a task.
ALTER TABLE notifications ADD COLUMN task_id TEXT REFERENCES tasks (id);
ALTER TABLE notifications DROP CONSTRAINT notifications_letter_or_recipient;
ALTER TABLE notifications ADD CONSTRAINT notifications_one_addressee
    CHECK (num_nonnulls(recipient_id, letter_id, task_id) = 1);
CREATE UNIQUE INDEX notifications_task_idx ON notifications (task_id);
