DROP INDEX tasks_reminder_idx;
CREATE INDEX tasks_reminder_idx ON tasks (next_reminder_at) WHERE next_reminder_at IS NOT NULL;
