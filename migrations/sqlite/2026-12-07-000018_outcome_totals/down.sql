DROP TRIGGER outcome_totals_insert;
DROP TRIGGER outcome_totals_update;
DROP TABLE outcome_groups;
DROP TABLE outcome_totals;
DROP TABLE outcome_totals_paused;
