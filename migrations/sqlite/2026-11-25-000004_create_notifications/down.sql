DROP TABLE notifications;
DROP INDEX requests_next_reminder_idx;
ALTER TABLE requests DROP COLUMN next_reminder_at;
ALTER TABLE users DROP COLUMN reminders;
