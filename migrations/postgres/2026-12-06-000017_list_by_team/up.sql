-- The list index by team first (docs/performance.md, "Every question at a million"):
-- a list names the teams it may show (the caller's sight, its team filter, or every
-- team), so a small team's list, or a manager's, reads that team's entries only,
-- instead of every team's entries of a status, kind and date range. It also serves
-- what requests_team_status_idx served.
DROP INDEX requests_list_idx;
DROP INDEX requests_team_status_idx;
CREATE INDEX requests_list_idx ON requests (team, status, kind, received_on, assignee, reference);
