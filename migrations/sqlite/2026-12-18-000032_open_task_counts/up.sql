-- The dashboard's task figures as counters, kept up to date by triggers on `tasks`
-- whatever writes them, as the open requests' figures are (migration 000019): counting
-- the open tasks over their index read every one of them at each call (some 54,000 in
-- the seeded register of a million, 6-10 ms of the privacy officer's dashboard).
--
-- `open_tasks`: open tasks per team (the request's), system, owner and due date. The
-- overdue ones on a day are the rows before it. Rows that fall to 0 are deleted.
CREATE TABLE open_tasks (
    team TEXT NOT NULL,
    system_code TEXT NOT NULL,
    owner_id TEXT NOT NULL,
    due DATE NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (team, system_code, owner_id, due)
) WITHOUT ROWID;

INSERT INTO open_tasks (team, system_code, owner_id, due, n)
SELECT team, system_code, owner_id, due, COUNT(*) FROM tasks WHERE status = 'open'
GROUP BY team, system_code, owner_id, due;

-- The index of migration 000031 served that count alone.
DROP INDEX tasks_open_idx;

-- A task leaves the counters as it was and enters them as it is: on insert the second
-- half, on delete the first, on an update of a counted column both.
CREATE TRIGGER open_tasks_insert AFTER INSERT ON tasks
WHEN NEW.status = 'open' BEGIN
    INSERT INTO open_tasks (team, system_code, owner_id, due, n)
    VALUES (NEW.team, NEW.system_code, NEW.owner_id, NEW.due, 1)
    ON CONFLICT (team, system_code, owner_id, due) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER open_tasks_delete AFTER DELETE ON tasks
WHEN OLD.status = 'open' BEGIN
    UPDATE open_tasks SET n = n - 1
    WHERE team = OLD.team AND system_code = OLD.system_code AND owner_id = OLD.owner_id
      AND due = OLD.due;
    DELETE FROM open_tasks WHERE n = 0 AND team = OLD.team AND system_code = OLD.system_code
      AND owner_id = OLD.owner_id AND due = OLD.due;
END;

CREATE TRIGGER open_tasks_update AFTER UPDATE OF team, system_code, owner_id, due, status ON tasks
WHEN (OLD.status = 'open' OR NEW.status = 'open')
    AND (OLD.status IS NOT NEW.status OR OLD.team IS NOT NEW.team
         OR OLD.system_code IS NOT NEW.system_code OR OLD.owner_id IS NOT NEW.owner_id
         OR OLD.due IS NOT NEW.due) BEGIN
    -- Out as it was (if it was open).
    UPDATE open_tasks SET n = n - 1
    WHERE OLD.status = 'open' AND team = OLD.team AND system_code = OLD.system_code
      AND owner_id = OLD.owner_id AND due = OLD.due;
    DELETE FROM open_tasks WHERE n = 0 AND team = OLD.team AND system_code = OLD.system_code
      AND owner_id = OLD.owner_id AND due = OLD.due;
    -- In as it is (if it is open).
    INSERT INTO open_tasks (team, system_code, owner_id, due, n)
    SELECT NEW.team, NEW.system_code, NEW.owner_id, NEW.due, 1
    WHERE NEW.status = 'open'
    ON CONFLICT (team, system_code, owner_id, due) DO UPDATE SET n = n + 1;
END;
