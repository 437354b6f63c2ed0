-- Open requests past the legal limit of AVG 12(3), per team, for the dashboard (the
-- limit is frozen while a pause runs, hence suspended_since).
CREATE INDEX requests_open_legal_by_team_idx
    ON requests (team, legal_due, suspended_since)
    WHERE open_due IS NOT NULL;
