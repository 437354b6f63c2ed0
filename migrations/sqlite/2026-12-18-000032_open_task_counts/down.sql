DROP TRIGGER open_tasks_update;
DROP TRIGGER open_tasks_delete;
DROP TRIGGER open_tasks_insert;
DROP TABLE open_tasks;
CREATE INDEX tasks_open_idx ON tasks (team, system_code, owner_id, due) WHERE status = 'open';
