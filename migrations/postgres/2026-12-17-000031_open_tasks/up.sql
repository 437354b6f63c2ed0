-- The open tasks are a few among the millions a register gathers over the years: the
-- dashboard counts them per system and owner within the caller's teams, and that
-- should read neither the closed tasks nor the requests. A task carries its request's
-- team (kept when the request moves to another team), and the open ones have an index
-- in the order the dashboard groups them.
ALTER TABLE tasks ADD COLUMN team TEXT;
UPDATE tasks SET team = (SELECT team FROM requests WHERE requests.id = tasks.request_id);
ALTER TABLE tasks ALTER COLUMN team SET NOT NULL;
CREATE INDEX tasks_open_idx ON tasks (team, system_code, owner_id, due) WHERE status = 'open';
-- Likewise the letters still to be sent or failed, which the dashboard counts.
CREATE INDEX letters_undelivered_idx ON letters (status, channel) WHERE status IN ('queued', 'failed');
-- Tasks opened before their reminders existed: the next sweep plans them.
UPDATE tasks SET next_reminder_at = (now() AT TIME ZONE 'utc') WHERE status = 'open' AND next_reminder_at IS NULL;
