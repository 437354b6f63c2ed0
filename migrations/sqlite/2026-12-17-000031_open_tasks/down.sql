DROP INDEX tasks_open_idx;
ALTER TABLE tasks DROP COLUMN team;
