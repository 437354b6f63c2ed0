-- The dashboard's figures of open requests as counters (docs/performance.md, "The
-- dashboard's open figures as counters"), kept up to date by triggers on `requests`
-- whatever writes it, so that the dashboard reads a few hundred rows instead of
-- counting some 45,000 open requests over four indexes at every call. The same tables
-- and meaning as on SQLite (see its migration for the columns).
CREATE TABLE open_counts (
    team TEXT NOT NULL,
    status TEXT NOT NULL,
    kind TEXT NOT NULL,
    assignee TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (team, status, kind, assignee)
);

CREATE TABLE open_deadlines (
    team TEXT NOT NULL,
    deadline TEXT NOT NULL,
    day DATE NOT NULL,
    running INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (team, deadline, day, running)
);

INSERT INTO open_counts (team, status, kind, assignee, n)
SELECT team, status, kind, COALESCE(assignee, ''), COUNT(*)
FROM requests WHERE open_due IS NOT NULL
GROUP BY team, status, kind, COALESCE(assignee, '');

INSERT INTO open_deadlines (team, deadline, day, running, n)
SELECT team, CASE WHEN decided_on IS NULL THEN 'response' ELSE 'execution' END, open_due,
       CASE WHEN suspended_since IS NULL THEN 1 ELSE 0 END, COUNT(*)
FROM requests
WHERE open_due IS NOT NULL AND (suspended_since IS NULL OR open_due < suspended_since)
GROUP BY 1, 2, 3, 4;

INSERT INTO open_deadlines (team, deadline, day, running, n)
SELECT team, 'legal', legal_due, CASE WHEN suspended_since IS NULL THEN 1 ELSE 0 END, COUNT(*)
FROM requests
WHERE open_due IS NOT NULL AND (suspended_since IS NULL OR legal_due < suspended_since)
GROUP BY 1, 2, 3, 4;

-- One request in or out of the counters (`delta` 1 or -1), as the row `r` says.
CREATE FUNCTION open_figures_count(r requests, delta integer) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    is_running integer := CASE WHEN r.suspended_since IS NULL THEN 1 ELSE 0 END;
    open_deadline text := CASE WHEN r.decided_on IS NULL THEN 'response' ELSE 'execution' END;
BEGIN
    IF r.open_due IS NULL THEN
        RETURN;
    END IF;
    INSERT INTO open_counts AS c (team, status, kind, assignee, n)
    VALUES (r.team, r.status, r.kind, COALESCE(r.assignee, ''), delta)
    ON CONFLICT (team, status, kind, assignee) DO UPDATE SET n = c.n + delta;
    IF r.suspended_since IS NULL OR r.open_due < r.suspended_since THEN
        INSERT INTO open_deadlines AS d (team, deadline, day, running, n)
        VALUES (r.team, open_deadline, r.open_due, is_running, delta)
        ON CONFLICT (team, deadline, day, running) DO UPDATE SET n = d.n + delta;
    END IF;
    IF r.suspended_since IS NULL OR r.legal_due < r.suspended_since THEN
        INSERT INTO open_deadlines AS d (team, deadline, day, running, n)
        VALUES (r.team, 'legal', r.legal_due, is_running, delta)
        ON CONFLICT (team, deadline, day, running) DO UPDATE SET n = d.n + delta;
    END IF;
    IF delta < 0 THEN
        DELETE FROM open_counts WHERE n = 0 AND team = r.team AND status = r.status
            AND kind = r.kind AND assignee = COALESCE(r.assignee, '');
        DELETE FROM open_deadlines WHERE n = 0 AND team = r.team
            AND deadline IN ('response', 'execution', 'legal') AND day IN (r.open_due, r.legal_due);
    END IF;
END;
$$;

CREATE FUNCTION open_figures_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NOT (OLD.team IS DISTINCT FROM NEW.team
            OR OLD.status IS DISTINCT FROM NEW.status OR OLD.kind IS DISTINCT FROM NEW.kind
            OR OLD.assignee IS DISTINCT FROM NEW.assignee OR OLD.open_due IS DISTINCT FROM NEW.open_due
            OR OLD.legal_due IS DISTINCT FROM NEW.legal_due OR OLD.decided_on IS DISTINCT FROM NEW.decided_on
            OR OLD.suspended_since IS DISTINCT FROM NEW.suspended_since) THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM open_figures_count(OLD, -1);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        PERFORM open_figures_count(NEW, 1);
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER open_figures_follow
    AFTER INSERT OR DELETE OR UPDATE OF team, status, kind, assignee, open_due, legal_due,
        decided_on, suspended_since ON requests
    FOR EACH ROW EXECUTE FUNCTION open_figures_follow();

-- Decisions without a decision letter, as the measure 'unlettered' of
-- `daily_outcomes` (see the SQLite migration).
INSERT INTO daily_outcomes (measure, team, day, kind, days, on_time, n)
SELECT 'unlettered', team, decided_on, kind, -1, -1, COUNT(*)
FROM requests AS r
WHERE decided_on IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM letters AS l
    WHERE l.request_id = r.id AND l.kind = 'decision' AND l.status <> 'draft')
GROUP BY team, decided_on, kind
ORDER BY team, kind, decided_on;

-- Adds `delta` to the decision of request `id` (if it is decided) when the number of
-- its decision letters is `letters`.
CREATE FUNCTION unlettered_add(request text, letter_count bigint, delta integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT COUNT(*) FROM letters AS l WHERE l.request_id = request
        AND l.kind = 'decision' AND l.status <> 'draft') <> letter_count THEN
        RETURN;
    END IF;
    INSERT INTO daily_outcomes AS o (measure, team, day, kind, days, on_time, n)
    SELECT 'unlettered', r.team, r.decided_on, r.kind, -1, -1, delta
    FROM requests AS r WHERE r.id = request AND r.decided_on IS NOT NULL
    ON CONFLICT (measure, team, day, kind, days, on_time) DO UPDATE SET n = o.n + delta;
END;
$$;

CREATE FUNCTION unlettered_follow_request() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NOT (OLD.team IS DISTINCT FROM NEW.team
            OR OLD.kind IS DISTINCT FROM NEW.kind OR OLD.decided_on IS DISTINCT FROM NEW.decided_on) THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.decided_on IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM letters AS l WHERE l.request_id = OLD.id
            AND l.kind = 'decision' AND l.status <> 'draft') THEN
        INSERT INTO daily_outcomes AS o (measure, team, day, kind, days, on_time, n)
        VALUES ('unlettered', OLD.team, OLD.decided_on, OLD.kind, -1, -1, -1)
        ON CONFLICT (measure, team, day, kind, days, on_time) DO UPDATE SET n = o.n - 1;
    END IF;
    IF NEW.decided_on IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM letters AS l WHERE l.request_id = NEW.id
            AND l.kind = 'decision' AND l.status <> 'draft') THEN
        INSERT INTO daily_outcomes AS o (measure, team, day, kind, days, on_time, n)
        VALUES ('unlettered', NEW.team, NEW.decided_on, NEW.kind, -1, -1, 1)
        ON CONFLICT (measure, team, day, kind, days, on_time) DO UPDATE SET n = o.n + 1;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER unlettered_follow_request
    AFTER INSERT OR UPDATE OF team, kind, decided_on ON requests
    FOR EACH ROW EXECUTE FUNCTION unlettered_follow_request();

CREATE FUNCTION unlettered_follow_letter() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    counted_before boolean := TG_OP <> 'INSERT' AND OLD.kind = 'decision' AND OLD.status <> 'draft';
    counted_after boolean := TG_OP <> 'DELETE' AND NEW.kind = 'decision' AND NEW.status <> 'draft';
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.request_id = NEW.request_id AND counted_before = counted_after THEN
        RETURN NULL;
    END IF;
    -- Its request lost its last decision letter: the decision has none again.
    IF counted_before THEN
        PERFORM unlettered_add(OLD.request_id, 0, 1);
    END IF;
    -- Its request got its first: the decision has a letter now.
    IF counted_after THEN
        PERFORM unlettered_add(NEW.request_id, 1, -1);
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER unlettered_follow_letter
    AFTER INSERT OR DELETE OR UPDATE OF kind, status, request_id ON letters
    FOR EACH ROW EXECUTE FUNCTION unlettered_follow_letter();

-- Every registration adds to the same few counter rows, which stay locked until its
-- commit. So that two writers never wait for each other in opposite orders (one
-- holding a counter row and waiting for the audit chain's head, the other holding the
-- head and waiting for the counter), a statement that writes requests takes the head
-- first: the order is always head, then counters (and `daily_outcomes`). Every such
-- change appends an audit event in the same transaction, so it would lock the head
-- anyway; it now does so a little earlier. SQLite's `BEGIN IMMEDIATE` orders its
-- writers the same way.
CREATE FUNCTION audit_head_first() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM audit_head WHERE id = 1 FOR UPDATE;
    RETURN NULL;
END;
$$;

CREATE TRIGGER audit_head_first
    BEFORE INSERT OR DELETE OR UPDATE OF team, status, kind, assignee, open_due, legal_due,
        decided_on, suspended_since, completed_on, extension_informed_on ON requests
    FOR EACH STATEMENT EXECUTE FUNCTION audit_head_first();

-- The counters replace the two indexes that served only these figures; the index of
-- open requests by team and deadline stays for the 20 oldest overdue requests.
DROP INDEX requests_open_idx;
DROP INDEX requests_open_legal_by_team_idx;
-- And the index of decided requests by team and day with their id (migration 000016),
-- which served only the count of decisions without a letter, now the measure
-- 'unlettered' above.
DROP INDEX requests_decided_idx;

-- A letter that starts or stops counting changes `daily_outcomes` too.
CREATE TRIGGER audit_head_first
    BEFORE INSERT OR DELETE OR UPDATE OF kind, status, request_id ON letters
    FOR EACH STATEMENT EXECUTE FUNCTION audit_head_first();

-- PostgreSQL reads a 90-day window by summing its day rows (a hash aggregate of some
-- 27,000 rows at a million: about 11 ms) rather than by a look-up of a running total
-- per group (about 20 µs each on PostgreSQL, 67-90 ms for the 3,593 groups of
-- completions). This index holds `n`, so the sum reads no table row (an index-only
-- scan, where autovacuum keeps the visibility map). SQLite's `daily_outcomes` is a
-- WITHOUT ROWID table: its primary key holds `n` already.
CREATE INDEX daily_outcomes_window_idx ON daily_outcomes (measure, team, day, kind, days, on_time) INCLUDE (n);
