-- The dashboard's task figures as counters, kept up to date by a trigger on `tasks`
-- whatever writes them, as the open requests' figures are (migration 000019): counting
-- the open tasks over their index read every one of them at each call (some 54,000 in
-- the seeded register of a million).
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
);

INSERT INTO open_tasks (team, system_code, owner_id, due, n)
SELECT team, system_code, owner_id, due, COUNT(*) FROM tasks WHERE status = 'open'
GROUP BY team, system_code, owner_id, due;

-- The index of migration 000031 served that count alone.
DROP INDEX tasks_open_idx;

CREATE FUNCTION open_tasks_count(t tasks, delta integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF t.status <> 'open' THEN
        RETURN;
    END IF;
    INSERT INTO open_tasks AS c (team, system_code, owner_id, due, n)
    VALUES (t.team, t.system_code, t.owner_id, t.due, delta)
    ON CONFLICT (team, system_code, owner_id, due) DO UPDATE SET n = c.n + delta;
    IF delta < 0 THEN
        DELETE FROM open_tasks WHERE n = 0 AND team = t.team AND system_code = t.system_code
            AND owner_id = t.owner_id AND due = t.due;
    END IF;
END;
$$;

-- A task leaves the counters as it was and enters them as it is.
CREATE FUNCTION open_tasks_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NOT (OLD.status IS DISTINCT FROM NEW.status
            OR OLD.team IS DISTINCT FROM NEW.team OR OLD.system_code IS DISTINCT FROM NEW.system_code
            OR OLD.owner_id IS DISTINCT FROM NEW.owner_id OR OLD.due IS DISTINCT FROM NEW.due) THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM open_tasks_count(OLD, -1);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        PERFORM open_tasks_count(NEW, 1);
    END IF;
    RETURN NULL;
END;
$$;

-- Called for open tasks only (a bulk load of closed tasks does not run it).
CREATE TRIGGER open_tasks_insert AFTER INSERT ON tasks
    FOR EACH ROW WHEN (NEW.status = 'open') EXECUTE FUNCTION open_tasks_follow();
CREATE TRIGGER open_tasks_update AFTER UPDATE OF status, team, system_code, owner_id, due ON tasks
    FOR EACH ROW WHEN (OLD.status = 'open' OR NEW.status = 'open') EXECUTE FUNCTION open_tasks_follow();
CREATE TRIGGER open_tasks_delete AFTER DELETE ON tasks
    FOR EACH ROW WHEN (OLD.status = 'open') EXECUTE FUNCTION open_tasks_follow();

-- The counter rows are hot like the open requests' (migration 000019): a statement
-- that writes what they count takes the audit chain's head first, so writers lock
-- head, then counters, in one order (every task change appends an audit event anyway).
CREATE TRIGGER audit_head_first
    BEFORE INSERT OR DELETE OR UPDATE OF status, team, system_code, owner_id, due ON tasks
    FOR EACH STATEMENT EXECUTE FUNCTION audit_head_first();
