DELETE FROM notifications WHERE task_id IS NOT NULL;
DROP INDEX notifications_task_idx;
ALTER TABLE notifications DROP CONSTRAINT notifications_one_addressee;
ALTER TABLE notifications DROP COLUMN task_id;
ALTER TABLE notifications ADD CONSTRAINT notifications_letter_or_recipient
    CHECK ((letter_id IS NULL) <> (recipient_id IS NULL));
