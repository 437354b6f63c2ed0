DROP INDEX requests_list_idx;
CREATE INDEX requests_list_idx ON requests (status, kind, received_on, team, assignee, reference);
CREATE INDEX requests_team_status_idx ON requests (team, status);
