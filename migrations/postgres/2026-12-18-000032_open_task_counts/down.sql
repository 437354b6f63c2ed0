DROP TRIGGER audit_head_first ON tasks;
DROP TRIGGER open_tasks_delete ON tasks;
DROP TRIGGER open_tasks_update ON tasks;
DROP TRIGGER open_tasks_insert ON tasks;
DROP FUNCTION open_tasks_follow();
DROP FUNCTION open_tasks_count(tasks, integer);
DROP TABLE open_tasks;
CREATE INDEX tasks_open_idx ON tasks (team, system_code, owner_id, due) WHERE status = 'open';
