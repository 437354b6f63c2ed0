DROP TRIGGER unlettered_request_insert;
DROP TRIGGER unlettered_request_update;
DROP TRIGGER unlettered_letter_insert;
DROP TRIGGER unlettered_letter_update;
DROP TRIGGER unlettered_letter_delete;
DELETE FROM daily_outcomes WHERE measure = 'unlettered';
DELETE FROM outcome_totals WHERE measure = 'unlettered';
DELETE FROM outcome_groups WHERE measure = 'unlettered';
CREATE INDEX requests_open_idx
    ON requests (team, status, kind, assignee)
    WHERE open_due IS NOT NULL;
CREATE INDEX requests_open_legal_by_team_idx
    ON requests (team, legal_due, suspended_since)
    WHERE open_due IS NOT NULL;
CREATE INDEX requests_decided_idx ON requests (team, decided_on, id);
DROP TRIGGER open_figures_insert;
DROP TRIGGER open_figures_delete;
DROP TRIGGER open_figures_update;
DROP TABLE open_deadlines;
DROP TABLE open_counts;
