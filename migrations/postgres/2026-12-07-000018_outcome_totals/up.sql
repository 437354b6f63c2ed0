-- Running totals of `daily_outcomes` (docs/performance.md, "The dashboard at a
-- million"): per group (measure, team, kind, days, on time) the total of every day up
-- to and including `day`, and in `outcome_groups` the group's total of all days. A
-- window's figure is then the group's total minus its total on the last day before the
-- window: one look-up per group, instead of summing some 70 day rows per team and day.
-- Kept up to date by triggers on `daily_outcomes`, which its own triggers on
-- `requests` keep (migration 000016).

CREATE TABLE outcome_totals (
    measure TEXT NOT NULL,
    team TEXT NOT NULL,
    kind TEXT NOT NULL,
    days INTEGER NOT NULL,
    on_time INTEGER NOT NULL,
    day DATE NOT NULL,
    total INTEGER NOT NULL,
    PRIMARY KEY (measure, team, kind, days, on_time, day)
);

CREATE TABLE outcome_groups (
    measure TEXT NOT NULL,
    team TEXT NOT NULL,
    kind TEXT NOT NULL,
    days INTEGER NOT NULL,
    on_time INTEGER NOT NULL,
    total INTEGER NOT NULL,
    PRIMARY KEY (measure, team, kind, days, on_time)
);

-- A row here pauses the trigger below: seeding a register writes years of decisions
-- in random order, each of which would add to every later day of its group; the
-- totals are rebuilt from `daily_outcomes` at its end instead
-- (`storage::dashboard::rebuild_totals`; at the next start if seeding stopped).
CREATE TABLE outcome_totals_paused (
    id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1)
);

INSERT INTO outcome_totals (measure, team, kind, days, on_time, day, total)
SELECT measure, team, kind, days, on_time, day,
       SUM(n) OVER (PARTITION BY measure, team, kind, days, on_time ORDER BY day)
FROM daily_outcomes;

INSERT INTO outcome_groups (measure, team, kind, days, on_time, total)
SELECT measure, team, kind, days, on_time, SUM(n)
FROM daily_outcomes
GROUP BY measure, team, kind, days, on_time;

-- A new day row of a group starts from the group's last day before it; then it and
-- every later day (a day entered after the fact) take the change, as does the group.
CREATE FUNCTION outcome_totals_follow() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    change integer := NEW.n - CASE WHEN TG_OP = 'UPDATE' THEN OLD.n ELSE 0 END;
BEGIN
    IF change = 0 OR EXISTS (SELECT 1 FROM outcome_totals_paused) THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        INSERT INTO outcome_totals (measure, team, kind, days, on_time, day, total)
        VALUES (NEW.measure, NEW.team, NEW.kind, NEW.days, NEW.on_time, NEW.day,
                COALESCE((SELECT t.total FROM outcome_totals AS t
                          WHERE t.measure = NEW.measure AND t.team = NEW.team AND t.kind = NEW.kind
                            AND t.days = NEW.days AND t.on_time = NEW.on_time AND t.day < NEW.day
                          ORDER BY t.day DESC LIMIT 1), 0))
        ON CONFLICT (measure, team, kind, days, on_time, day) DO NOTHING;
    END IF;
    UPDATE outcome_totals SET total = total + change
    WHERE measure = NEW.measure AND team = NEW.team AND kind = NEW.kind
      AND days = NEW.days AND on_time = NEW.on_time AND day >= NEW.day;
    INSERT INTO outcome_groups (measure, team, kind, days, on_time, total)
    VALUES (NEW.measure, NEW.team, NEW.kind, NEW.days, NEW.on_time, change)
    ON CONFLICT (measure, team, kind, days, on_time)
    DO UPDATE SET total = outcome_groups.total + change;
    RETURN NULL;
END;
$$;

CREATE TRIGGER outcome_totals_follow AFTER INSERT OR UPDATE OF n ON daily_outcomes
FOR EACH ROW EXECUTE FUNCTION outcome_totals_follow();
