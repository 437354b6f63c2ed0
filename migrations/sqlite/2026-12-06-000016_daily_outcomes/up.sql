-- The dashboard's figures of the last 90 days per day (docs/performance.md, "The
-- dashboard at a million"): how many requests of a team and kind were decided,
-- completed or extended on a day, after how many days and whether on time. Kept up
-- to date by triggers on `requests`, whatever writes it (registration, actions,
-- corrections, transfers, seeding), so the dashboard sums a few thousand rows instead
-- of grouping every decision and completion of the window. `days` is -1 and `on_time`
-- -1 where they do not apply (extensions) or are unknown; `on_time` is 1 or 0 else.

CREATE TABLE daily_outcomes (
    measure TEXT NOT NULL,
    team TEXT NOT NULL,
    day DATE NOT NULL,
    kind TEXT NOT NULL,
    days INTEGER NOT NULL,
    on_time INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (measure, team, day, kind, days, on_time)
) WITHOUT ROWID;

INSERT INTO daily_outcomes (measure, team, day, kind, days, on_time, n)
SELECT 'decision', team, decided_on, kind, COALESCE(r.decision_days, -1), CASE WHEN r.decided_on_time IS NULL THEN -1 WHEN r.decided_on_time THEN 1 ELSE 0 END, count(*)
FROM requests AS r WHERE decided_on IS NOT NULL
GROUP BY team, decided_on, kind, COALESCE(r.decision_days, -1), CASE WHEN r.decided_on_time IS NULL THEN -1 WHEN r.decided_on_time THEN 1 ELSE 0 END;

INSERT INTO daily_outcomes (measure, team, day, kind, days, on_time, n)
SELECT 'completion', team, completed_on, kind, COALESCE(r.completion_days, -1), CASE WHEN r.completed_on_time IS NULL THEN -1 WHEN r.completed_on_time THEN 1 ELSE 0 END, count(*)
FROM requests AS r WHERE completed_on IS NOT NULL
GROUP BY team, completed_on, kind, COALESCE(r.completion_days, -1), CASE WHEN r.completed_on_time IS NULL THEN -1 WHEN r.completed_on_time THEN 1 ELSE 0 END;

INSERT INTO daily_outcomes (measure, team, day, kind, days, on_time, n)
SELECT 'extension', team, extension_informed_on, kind, -1, -1, count(*)
FROM requests AS r WHERE extension_informed_on IS NOT NULL
GROUP BY team, extension_informed_on, kind;

CREATE TRIGGER daily_outcomes_decision_insert AFTER INSERT ON requests
WHEN NEW.decided_on IS NOT NULL BEGIN
    INSERT INTO daily_outcomes (measure, team, day, kind, days, on_time, n)
    SELECT 'decision', NEW.team, NEW.decided_on, NEW.kind, COALESCE(NEW.decision_days, -1), CASE WHEN NEW.decided_on_time IS NULL THEN -1 WHEN NEW.decided_on_time THEN 1 ELSE 0 END, 1
    WHERE NEW.decided_on IS NOT NULL
    ON CONFLICT (measure, team, day, kind, days, on_time) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER daily_outcomes_decision_update AFTER UPDATE ON requests
WHEN OLD.team IS NOT NEW.team OR OLD.kind IS NOT NEW.kind OR OLD.decided_on IS NOT NEW.decided_on OR OLD.decision_days IS NOT NEW.decision_days OR OLD.decided_on_time IS NOT NEW.decided_on_time BEGIN
    INSERT INTO daily_outcomes (measure, team, day, kind, days, on_time, n)
    SELECT 'decision', OLD.team, OLD.decided_on, OLD.kind, COALESCE(OLD.decision_days, -1), CASE WHEN OLD.decided_on_time IS NULL THEN -1 WHEN OLD.decided_on_time THEN 1 ELSE 0 END, -1
    WHERE OLD.decided_on IS NOT NULL
    ON CONFLICT (measure, team, day, kind, days, on_time) DO UPDATE SET n = n - 1;
    INSERT INTO daily_outcomes (measure, team, day, kind, days, on_time, n)
    SELECT 'decision', NEW.team, NEW.decided_on, NEW.kind, COALESCE(NEW.decision_days, -1), CASE WHEN NEW.decided_on_time IS NULL THEN -1 WHEN NEW.decided_on_time THEN 1 ELSE 0 END, 1
    WHERE NEW.decided_on IS NOT NULL
    ON CONFLICT (measure, team, day, kind, days, on_time) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER daily_outcomes_decision_delete AFTER DELETE ON requests
WHEN OLD.decided_on IS NOT NULL BEGIN
    INSERT INTO daily_outcomes (measure, team, day, kind, days, on_time, n)
    SELECT 'decision', OLD.team, OLD.decided_on, OLD.kind, COALESCE(OLD.decision_days, -1), CASE WHEN OLD.decided_on_time IS NULL THEN -1 WHEN OLD.decided_on_time THEN 1 ELSE 0 END, -1
    WHERE OLD.decided_on IS NOT NULL
    ON CONFLICT (measure, team, day, kind, days, on_time) DO UPDATE SET n = n - 1;
END;

CREATE TRIGGER daily_outcomes_completion_insert AFTER INSERT ON requests
WHEN NEW.completed_on IS NOT NULL BEGIN
    INSERT INTO daily_outcomes (measure, team, day, kind, days, on_time, n)
    SELECT 'completion', NEW.team, NEW.completed_on, NEW.kind, COALESCE(NEW.completion_days, -1), CASE WHEN NEW.completed_on_time IS NULL THEN -1 WHEN NEW.completed_on_time THEN 1 ELSE 0 END, 1
    WHERE NEW.completed_on IS NOT NULL
    ON CONFLICT (measure, team, day, kind, days, on_time) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER daily_outcomes_completion_update AFTER UPDATE ON requests
WHEN OLD.team IS NOT NEW.team OR OLD.kind IS NOT NEW.kind OR OLD.completed_on IS NOT NEW.completed_on OR OLD.completion_days IS NOT NEW.completion_days OR OLD.completed_on_time IS NOT NEW.completed_on_time BEGIN
    INSERT INTO daily_outcomes (measure, team, day, kind, days, on_time, n)
    SELECT 'completion', OLD.team, OLD.completed_on, OLD.kind, COALESCE(OLD.completion_days, -1), CASE WHEN OLD.completed_on_time IS NULL THEN -1 WHEN OLD.completed_on_time THEN 1 ELSE 0 END, -1
    WHERE OLD.completed_on IS NOT NULL
    ON CONFLICT (measure, team, day, kind, days, on_time) DO UPDATE SET n = n - 1;
    INSERT INTO daily_outcomes (measure, team, day, kind, days, on_time, n)
    SELECT 'completion', NEW.team, NEW.completed_on, NEW.kind, COALESCE(NEW.completion_days, -1), CASE WHEN NEW.completed_on_time IS NULL THEN -1 WHEN NEW.completed_on_time THEN 1 ELSE 0 END, 1
    WHERE NEW.completed_on IS NOT NULL
    ON CONFLICT (measure, team, day, kind, days, on_time) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER daily_outcomes_completion_delete AFTER DELETE ON requests
WHEN OLD.completed_on IS NOT NULL BEGIN
    INSERT INTO daily_outcomes (measure, team, day, kind, days, on_time, n)
    SELECT 'completion', OLD.team, OLD.completed_on, OLD.kind, COALESCE(OLD.completion_days, -1), CASE WHEN OLD.completed_on_time IS NULL THEN -1 WHEN OLD.completed_on_time THEN 1 ELSE 0 END, -1
    WHERE OLD.completed_on IS NOT NULL
    ON CONFLICT (measure, team, day, kind, days, on_time) DO UPDATE SET n = n - 1;
END;

CREATE TRIGGER daily_outcomes_extension_insert AFTER INSERT ON requests
WHEN NEW.extension_informed_on IS NOT NULL BEGIN
    INSERT INTO daily_outcomes (measure, team, day, kind, days, on_time, n)
    SELECT 'extension', NEW.team, NEW.extension_informed_on, NEW.kind, -1, -1, 1
    WHERE NEW.extension_informed_on IS NOT NULL
    ON CONFLICT (measure, team, day, kind, days, on_time) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER daily_outcomes_extension_update AFTER UPDATE ON requests
WHEN OLD.team IS NOT NEW.team OR OLD.kind IS NOT NEW.kind OR OLD.extension_informed_on IS NOT NEW.extension_informed_on BEGIN
    INSERT INTO daily_outcomes (measure, team, day, kind, days, on_time, n)
    SELECT 'extension', OLD.team, OLD.extension_informed_on, OLD.kind, -1, -1, -1
    WHERE OLD.extension_informed_on IS NOT NULL
    ON CONFLICT (measure, team, day, kind, days, on_time) DO UPDATE SET n = n - 1;
    INSERT INTO daily_outcomes (measure, team, day, kind, days, on_time, n)
    SELECT 'extension', NEW.team, NEW.extension_informed_on, NEW.kind, -1, -1, 1
    WHERE NEW.extension_informed_on IS NOT NULL
    ON CONFLICT (measure, team, day, kind, days, on_time) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER daily_outcomes_extension_delete AFTER DELETE ON requests
WHEN OLD.extension_informed_on IS NOT NULL BEGIN
    INSERT INTO daily_outcomes (measure, team, day, kind, days, on_time, n)
    SELECT 'extension', OLD.team, OLD.extension_informed_on, OLD.kind, -1, -1, -1
    WHERE OLD.extension_informed_on IS NOT NULL
    ON CONFLICT (measure, team, day, kind, days, on_time) DO UPDATE SET n = n - 1;
END;

-- The dashboard no longer groups `requests` for these figures. Decisions without a
-- letter are still counted there: by team and day of decision, the id in the index so
-- that the check for a letter reads no request row.
DROP INDEX requests_decided_idx;
DROP INDEX requests_completed_idx;
DROP INDEX requests_extension_idx;
CREATE INDEX requests_decided_idx ON requests (team, decided_on, id);
