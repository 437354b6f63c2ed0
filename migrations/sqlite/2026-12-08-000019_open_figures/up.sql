-- The dashboard's figures of open requests as counters (docs/performance.md, "The
-- dashboard's open figures as counters"), kept up to date by triggers on `requests`
-- whatever writes it, so that the dashboard reads a few hundred rows instead of
-- counting some 45,000 open requests over four indexes at every call.
--
-- `open_counts`: open requests (open_due set) per team, status, kind and assignee
-- ('' for none).
CREATE TABLE open_counts (
    team TEXT NOT NULL,
    status TEXT NOT NULL,
    kind TEXT NOT NULL,
    assignee TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (team, status, kind, assignee)
) WITHOUT ROWID;

-- `open_deadlines`: open requests per team and deadline day, the deadline being
-- 'response' (the open deadline before a decision), 'execution' (after it) or
-- 'legal' (the legal limit). `running` is 1 for a request that is not paused; a
-- paused request is counted (with 0) only when its deadline lies before its pause,
-- as only then can it be overdue (a paused deadline is frozen). Overdue on a day: the
-- rows before it; due soon: the running rows from it on. Rows that fall to 0 are
-- deleted, so the table holds the open requests' deadline days only.
CREATE TABLE open_deadlines (
    team TEXT NOT NULL,
    deadline TEXT NOT NULL,
    day DATE NOT NULL,
    running INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (team, deadline, day, running)
) WITHOUT ROWID;

INSERT INTO open_counts (team, status, kind, assignee, n)
SELECT team, status, kind, COALESCE(assignee, ''), COUNT(*)
FROM requests WHERE open_due IS NOT NULL
GROUP BY team, status, kind, COALESCE(assignee, '');

INSERT INTO open_deadlines (team, deadline, day, running, n)
SELECT team, CASE WHEN decided_on IS NULL THEN 'response' ELSE 'execution' END, open_due,
       suspended_since IS NULL, COUNT(*)
FROM requests
WHERE open_due IS NOT NULL AND (suspended_since IS NULL OR open_due < suspended_since)
GROUP BY 1, 2, 3, 4;

INSERT INTO open_deadlines (team, deadline, day, running, n)
SELECT team, 'legal', legal_due, suspended_since IS NULL, COUNT(*)
FROM requests
WHERE open_due IS NOT NULL AND (suspended_since IS NULL OR legal_due < suspended_since)
GROUP BY 1, 2, 3, 4;

-- A request leaves the counters as it was and enters them as it is: on insert the
-- second half, on delete the first, on an update of a counted column both.
CREATE TRIGGER open_figures_insert AFTER INSERT ON requests
WHEN NEW.open_due IS NOT NULL BEGIN
    INSERT INTO open_counts (team, status, kind, assignee, n)
    VALUES (NEW.team, NEW.status, NEW.kind, COALESCE(NEW.assignee, ''), 1)
    ON CONFLICT (team, status, kind, assignee) DO UPDATE SET n = n + 1;
    INSERT INTO open_deadlines (team, deadline, day, running, n)
    SELECT NEW.team, CASE WHEN NEW.decided_on IS NULL THEN 'response' ELSE 'execution' END,
           NEW.open_due, NEW.suspended_since IS NULL, 1
    WHERE NEW.suspended_since IS NULL OR NEW.open_due < NEW.suspended_since
    ON CONFLICT (team, deadline, day, running) DO UPDATE SET n = n + 1;
    INSERT INTO open_deadlines (team, deadline, day, running, n)
    SELECT NEW.team, 'legal', NEW.legal_due, NEW.suspended_since IS NULL, 1
    WHERE NEW.suspended_since IS NULL OR NEW.legal_due < NEW.suspended_since
    ON CONFLICT (team, deadline, day, running) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER open_figures_delete AFTER DELETE ON requests
WHEN OLD.open_due IS NOT NULL BEGIN
    UPDATE open_counts SET n = n - 1
    WHERE team = OLD.team AND status = OLD.status AND kind = OLD.kind
      AND assignee = COALESCE(OLD.assignee, '');
    UPDATE open_deadlines SET n = n - 1
    WHERE team = OLD.team AND deadline = CASE WHEN OLD.decided_on IS NULL THEN 'response' ELSE 'execution' END
      AND day = OLD.open_due AND running = (OLD.suspended_since IS NULL)
      AND (OLD.suspended_since IS NULL OR OLD.open_due < OLD.suspended_since);
    UPDATE open_deadlines SET n = n - 1
    WHERE team = OLD.team AND deadline = 'legal' AND day = OLD.legal_due
      AND running = (OLD.suspended_since IS NULL)
      AND (OLD.suspended_since IS NULL OR OLD.legal_due < OLD.suspended_since);
    DELETE FROM open_counts WHERE n = 0 AND team = OLD.team AND status = OLD.status
      AND kind = OLD.kind AND assignee = COALESCE(OLD.assignee, '');
    DELETE FROM open_deadlines WHERE n = 0 AND team = OLD.team
      AND deadline IN ('response', 'execution', 'legal') AND day IN (OLD.open_due, OLD.legal_due);
END;

CREATE TRIGGER open_figures_update AFTER UPDATE OF team, status, kind, assignee, open_due,
    legal_due, decided_on, suspended_since ON requests
WHEN OLD.team IS NOT NEW.team OR OLD.status IS NOT NEW.status OR OLD.kind IS NOT NEW.kind
    OR OLD.assignee IS NOT NEW.assignee OR OLD.open_due IS NOT NEW.open_due
    OR OLD.legal_due IS NOT NEW.legal_due OR OLD.decided_on IS NOT NEW.decided_on
    OR OLD.suspended_since IS NOT NEW.suspended_since BEGIN
    -- Out as it was (if it was open).
    UPDATE open_counts SET n = n - 1
    WHERE OLD.open_due IS NOT NULL AND team = OLD.team AND status = OLD.status
      AND kind = OLD.kind AND assignee = COALESCE(OLD.assignee, '');
    UPDATE open_deadlines SET n = n - 1
    WHERE OLD.open_due IS NOT NULL AND team = OLD.team
      AND deadline = CASE WHEN OLD.decided_on IS NULL THEN 'response' ELSE 'execution' END
      AND day = OLD.open_due AND running = (OLD.suspended_since IS NULL)
      AND (OLD.suspended_since IS NULL OR OLD.open_due < OLD.suspended_since);
    UPDATE open_deadlines SET n = n - 1
    WHERE OLD.open_due IS NOT NULL AND team = OLD.team AND deadline = 'legal'
      AND day = OLD.legal_due AND running = (OLD.suspended_since IS NULL)
      AND (OLD.suspended_since IS NULL OR OLD.legal_due < OLD.suspended_since);
    DELETE FROM open_counts WHERE n = 0 AND team = OLD.team AND status = OLD.status
      AND kind = OLD.kind AND assignee = COALESCE(OLD.assignee, '');
    DELETE FROM open_deadlines WHERE n = 0 AND team = OLD.team
      AND deadline IN ('response', 'execution', 'legal') AND day IN (OLD.open_due, OLD.legal_due);
    -- In as it is (if it is open).
    INSERT INTO open_counts (team, status, kind, assignee, n)
    SELECT NEW.team, NEW.status, NEW.kind, COALESCE(NEW.assignee, ''), 1
    WHERE NEW.open_due IS NOT NULL
    ON CONFLICT (team, status, kind, assignee) DO UPDATE SET n = n + 1;
    INSERT INTO open_deadlines (team, deadline, day, running, n)
    SELECT NEW.team, CASE WHEN NEW.decided_on IS NULL THEN 'response' ELSE 'execution' END,
           NEW.open_due, NEW.suspended_since IS NULL, 1
    WHERE NEW.open_due IS NOT NULL
      AND (NEW.suspended_since IS NULL OR NEW.open_due < NEW.suspended_since)
    ON CONFLICT (team, deadline, day, running) DO UPDATE SET n = n + 1;
    INSERT INTO open_deadlines (team, deadline, day, running, n)
    SELECT NEW.team, 'legal', NEW.legal_due, NEW.suspended_since IS NULL, 1
    WHERE NEW.open_due IS NOT NULL
      AND (NEW.suspended_since IS NULL OR NEW.legal_due < NEW.suspended_since)
    ON CONFLICT (team, deadline, day, running) DO UPDATE SET n = n + 1;
END;

-- Decisions without a decision letter (one queued, sent or failed; a draft is not
-- one), per team, day of decision and kind: the measure 'unlettered' of
-- `daily_outcomes`, so that the dashboard reads it as a window of running totals like
-- the others (migration 000018) instead of probing `letters` for each of some 62,000
-- decisions of 90 days at a million. Kept by triggers on `requests` (a decision, its
-- day, team or kind changes) and on `letters` (a request gets its first decision
-- letter, or loses its last).
INSERT INTO daily_outcomes (measure, team, day, kind, days, on_time, n)
SELECT 'unlettered', team, decided_on, kind, -1, -1, COUNT(*)
FROM requests AS r
WHERE decided_on IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM letters AS l
    WHERE l.request_id = r.id AND l.kind = 'decision' AND l.status <> 'draft')
GROUP BY team, decided_on, kind;

CREATE TRIGGER unlettered_request_insert AFTER INSERT ON requests
WHEN NEW.decided_on IS NOT NULL BEGIN
    INSERT INTO daily_outcomes (measure, team, day, kind, days, on_time, n)
    SELECT 'unlettered', NEW.team, NEW.decided_on, NEW.kind, -1, -1, 1
    WHERE NOT EXISTS (SELECT 1 FROM letters AS l WHERE l.request_id = NEW.id
                      AND l.kind = 'decision' AND l.status <> 'draft')
    ON CONFLICT (measure, team, day, kind, days, on_time) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER unlettered_request_update AFTER UPDATE OF team, kind, decided_on ON requests
WHEN OLD.team IS NOT NEW.team OR OLD.kind IS NOT NEW.kind OR OLD.decided_on IS NOT NEW.decided_on BEGIN
    INSERT INTO daily_outcomes (measure, team, day, kind, days, on_time, n)
    SELECT 'unlettered', OLD.team, OLD.decided_on, OLD.kind, -1, -1, -1
    WHERE OLD.decided_on IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM letters AS l WHERE l.request_id = OLD.id
                      AND l.kind = 'decision' AND l.status <> 'draft')
    ON CONFLICT (measure, team, day, kind, days, on_time) DO UPDATE SET n = n - 1;
    INSERT INTO daily_outcomes (measure, team, day, kind, days, on_time, n)
    SELECT 'unlettered', NEW.team, NEW.decided_on, NEW.kind, -1, -1, 1
    WHERE NEW.decided_on IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM letters AS l WHERE l.request_id = NEW.id
                      AND l.kind = 'decision' AND l.status <> 'draft')
    ON CONFLICT (measure, team, day, kind, days, on_time) DO UPDATE SET n = n + 1;
END;

-- A letter that starts to count: if it is its request's only one, the decision has a
-- letter now. A letter that stops counting: if none is left, it has none again.
CREATE TRIGGER unlettered_letter_insert AFTER INSERT ON letters
WHEN NEW.kind = 'decision' AND NEW.status <> 'draft' BEGIN
    INSERT INTO daily_outcomes (measure, team, day, kind, days, on_time, n)
    SELECT 'unlettered', r.team, r.decided_on, r.kind, -1, -1, -1
    FROM requests AS r
    WHERE r.id = NEW.request_id AND r.decided_on IS NOT NULL
      AND (SELECT COUNT(*) FROM letters AS l WHERE l.request_id = NEW.request_id
           AND l.kind = 'decision' AND l.status <> 'draft') = 1
    ON CONFLICT (measure, team, day, kind, days, on_time) DO UPDATE SET n = n - 1;
END;

CREATE TRIGGER unlettered_letter_update AFTER UPDATE OF kind, status, request_id ON letters
WHEN OLD.request_id IS NOT NEW.request_id
    OR (OLD.kind = 'decision' AND OLD.status <> 'draft') IS NOT (NEW.kind = 'decision' AND NEW.status <> 'draft') BEGIN
    INSERT INTO daily_outcomes (measure, team, day, kind, days, on_time, n)
    SELECT 'unlettered', r.team, r.decided_on, r.kind, -1, -1, 1
    FROM requests AS r
    WHERE OLD.kind = 'decision' AND OLD.status <> 'draft'
      AND r.id = OLD.request_id AND r.decided_on IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM letters AS l WHERE l.request_id = OLD.request_id
                      AND l.kind = 'decision' AND l.status <> 'draft')
    ON CONFLICT (measure, team, day, kind, days, on_time) DO UPDATE SET n = n + 1;
    INSERT INTO daily_outcomes (measure, team, day, kind, days, on_time, n)
    SELECT 'unlettered', r.team, r.decided_on, r.kind, -1, -1, -1
    FROM requests AS r
    WHERE NEW.kind = 'decision' AND NEW.status <> 'draft'
      AND r.id = NEW.request_id AND r.decided_on IS NOT NULL
      AND (SELECT COUNT(*) FROM letters AS l WHERE l.request_id = NEW.request_id
           AND l.kind = 'decision' AND l.status <> 'draft') = 1
    ON CONFLICT (measure, team, day, kind, days, on_time) DO UPDATE SET n = n - 1;
END;

CREATE TRIGGER unlettered_letter_delete AFTER DELETE ON letters
WHEN OLD.kind = 'decision' AND OLD.status <> 'draft' BEGIN
    INSERT INTO daily_outcomes (measure, team, day, kind, days, on_time, n)
    SELECT 'unlettered', r.team, r.decided_on, r.kind, -1, -1, 1
    FROM requests AS r
    WHERE r.id = OLD.request_id AND r.decided_on IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM letters AS l WHERE l.request_id = OLD.request_id
                      AND l.kind = 'decision' AND l.status <> 'draft')
    ON CONFLICT (measure, team, day, kind, days, on_time) DO UPDATE SET n = n + 1;
END;

-- The counters replace the two indexes that served only these figures; the index of
-- open requests by team and deadline stays for the 20 oldest overdue requests.
DROP INDEX requests_open_idx;
DROP INDEX requests_open_legal_by_team_idx;
-- And the index of decided requests by team and day with their id (migration 000016),
-- which served only the count of decisions without a letter, now the measure
-- 'unlettered' above.
DROP INDEX requests_decided_idx;
