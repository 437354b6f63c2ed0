DROP TRIGGER outcome_window_delete;
DROP TRIGGER outcome_window_update;
DROP TRIGGER outcome_window_insert;
DROP TABLE outcome_window;
DROP TABLE outcome_window_start;
