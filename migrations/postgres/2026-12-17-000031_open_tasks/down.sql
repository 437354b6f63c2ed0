DROP INDEX letters_undelivered_idx;
DROP INDEX tasks_open_idx;
ALTER TABLE tasks DROP COLUMN team;
