-- The open tasks are a few among the millions a register gathers over the years:
-- the dashboard counts them per system and owner, "Mijn taken" reads a user's, and
-- neither should pass the closed ones on the way.
CREATE INDEX tasks_open_idx ON tasks (system_code, owner_id, due) WHERE status = 'open';
