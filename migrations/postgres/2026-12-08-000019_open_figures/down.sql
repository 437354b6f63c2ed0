DROP INDEX daily_outcomes_window_idx;
DROP TRIGGER unlettered_follow_letter ON letters;
DROP FUNCTION unlettered_follow_letter();
DROP TRIGGER unlettered_follow_request ON requests;
DROP FUNCTION unlettered_follow_request();
DROP FUNCTION unlettered_add(text, bigint, integer);
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
DROP TRIGGER audit_head_first ON letters;
DROP TRIGGER audit_head_first ON requests;
DROP FUNCTION audit_head_first();
DROP TRIGGER open_figures_follow ON requests;
DROP FUNCTION open_figures_follow();
DROP FUNCTION open_figures_count(requests, integer);
DROP TABLE open_deadlines;
DROP TABLE open_counts;
