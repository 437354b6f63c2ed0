DROP TRIGGER outcome_window_follow ON daily_outcomes;
DROP FUNCTION outcome_window_follow();
DROP TABLE outcome_window;
DROP TABLE outcome_window_start;
