DROP TRIGGER daily_outcomes_follow ON requests;
DROP FUNCTION daily_outcomes_follow();
DROP TABLE daily_outcomes;
DROP INDEX requests_decided_idx;
CREATE INDEX requests_decided_idx ON requests (team, decided_on, kind, decision_days, decided_on_time);
CREATE INDEX requests_completed_idx ON requests (team, completed_on, kind, completion_days, completed_on_time);
CREATE INDEX requests_extension_idx ON requests (team, extension_informed_on, kind);
