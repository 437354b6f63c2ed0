DROP TRIGGER outcome_totals_follow ON daily_outcomes;
DROP FUNCTION outcome_totals_follow();
DROP TABLE outcome_groups;
DROP TABLE outcome_totals;
DROP TABLE outcome_totals_paused;
