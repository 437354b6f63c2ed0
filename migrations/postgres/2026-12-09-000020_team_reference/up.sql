-- A walk by reference within one team (a manager's list, or any list of one team,
-- sorted by reference or by the open deadline of closed requests) reads that team's
-- entries only: with `requests_reference_list_idx` it read every team's, and a list of
-- requests received since a date skipped every earlier reference of every team
-- (docs/performance.md, "This stop: the dashboard from counters").
CREATE INDEX requests_team_reference_idx ON requests (team, reference, status, kind, received_on, open_due);
