-- The dashboard's 90-day window as counters (D63). Reading a window by summing its day
-- rows (migration 000019) reads some 14,000 rows for the completions alone at a
-- million. `outcome_window` holds, per group, the sum of `daily_outcomes` from the
-- window's first day (`outcome_window_start`) on, kept by a trigger on
-- `daily_outcomes` as outcomes are added or taken back, and recomputed by `serve`'s
-- background loop when the day moves the window (`storage::dashboard::start_window`,
-- which takes the audit chain's head first, as every writer of `daily_outcomes`
-- does). While no start is recorded, or it is not the window asked for, the dashboard
-- sums the day rows as before.
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
);

CREATE FUNCTION outcome_window_follow() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    first_day date := (SELECT s.since FROM outcome_window_start AS s WHERE s.id = 1);
BEGIN
    IF first_day IS NULL THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.day >= first_day THEN
        INSERT INTO outcome_window AS w (measure, team, kind, days, on_time, n)
        VALUES (OLD.measure, OLD.team, OLD.kind, OLD.days, OLD.on_time, -OLD.n)
        ON CONFLICT (measure, team, kind, days, on_time) DO UPDATE SET n = w.n - OLD.n;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.day >= first_day THEN
        INSERT INTO outcome_window AS w (measure, team, kind, days, on_time, n)
        VALUES (NEW.measure, NEW.team, NEW.kind, NEW.days, NEW.on_time, NEW.n)
        ON CONFLICT (measure, team, kind, days, on_time) DO UPDATE SET n = w.n + NEW.n;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER outcome_window_follow AFTER INSERT OR DELETE OR UPDATE ON daily_outcomes
    FOR EACH ROW EXECUTE FUNCTION outcome_window_follow();
