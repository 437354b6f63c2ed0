-- The dashboard's 90-day window as counters (D63). Reading a window from running
-- totals (migration 000018) costs a look-up per group, some 5,000 groups of decisions
-- and completions at a million: about 15 ms of the privacy officer's dashboard.
-- `outcome_window` holds, per group, the sum of `daily_outcomes` from the window's
-- first day (`outcome_window_start`) on, kept by triggers on `daily_outcomes` as
-- outcomes are added or taken back, and recomputed by `serve`'s background loop when
-- the day moves the window (`storage::dashboard::start_window`). While no start is
-- recorded, or it is not the window asked for, the dashboard reads the running totals
-- as before.
CREATE TABLE outcome_window_start (
    id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    since DATE NOT NULL
);

CREATE TABLE outcome_window (
    measure TEXT NOT NULL,
    team TEXT NOT NULL,
    kind TEXT NOT NULL,
    days INTEGER NOT NULL,
    on_time INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (measure, team, kind, days, on_time)
) WITHOUT ROWID;

CREATE TRIGGER outcome_window_insert AFTER INSERT ON daily_outcomes
WHEN NEW.day >= (SELECT since FROM outcome_window_start WHERE id = 1) BEGIN
    INSERT INTO outcome_window (measure, team, kind, days, on_time, n)
    VALUES (NEW.measure, NEW.team, NEW.kind, NEW.days, NEW.on_time, NEW.n)
    ON CONFLICT (measure, team, kind, days, on_time) DO UPDATE SET n = n + NEW.n;
END;

CREATE TRIGGER outcome_window_update AFTER UPDATE OF n ON daily_outcomes
WHEN NEW.n IS NOT OLD.n AND NEW.day >= (SELECT since FROM outcome_window_start WHERE id = 1) BEGIN
    INSERT INTO outcome_window (measure, team, kind, days, on_time, n)
    VALUES (NEW.measure, NEW.team, NEW.kind, NEW.days, NEW.on_time, NEW.n - OLD.n)
    ON CONFLICT (measure, team, kind, days, on_time) DO UPDATE SET n = n + (NEW.n - OLD.n);
END;

CREATE TRIGGER outcome_window_delete AFTER DELETE ON daily_outcomes
WHEN OLD.day >= (SELECT since FROM outcome_window_start WHERE id = 1) BEGIN
    UPDATE outcome_window SET n = n - OLD.n
    WHERE measure = OLD.measure AND team = OLD.team AND kind = OLD.kind
      AND days = OLD.days AND on_time = OLD.on_time;
END;
