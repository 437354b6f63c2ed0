-- Derived outcome columns, written with every change of a request (like the *_due
-- columns), so the dashboard and the annual report can count and take medians in the
-- database: calendar days from receipt to decision and to completion, and whether the
-- decision and the completion met their deadline.
ALTER TABLE requests ADD COLUMN decision_days INTEGER;
ALTER TABLE requests ADD COLUMN decided_on_time BOOLEAN;
ALTER TABLE requests ADD COLUMN completion_days INTEGER;
ALTER TABLE requests ADD COLUMN completed_on_time BOOLEAN;
UPDATE requests
SET decision_days = decided_on - received_on,
    decided_on_time = decided_on <= response_due
WHERE decided_on IS NOT NULL;
UPDATE requests
SET completion_days = completed_on - received_on,
    completed_on_time = completed_on <= execution_due
WHERE completed_on IS NOT NULL;

-- Open requests only (open_due is set exactly while a request is open), covering what
-- the dashboard counts them by: a few ten thousand entries instead of the whole register.
CREATE INDEX requests_open_idx
    ON requests (team, status, kind, assignee)
    WHERE open_due IS NOT NULL;
CREATE INDEX requests_open_overdue_idx
    ON requests (open_due, suspended_since, decided_on, team)
    WHERE open_due IS NOT NULL;
-- The last 90 days of decisions, completions and extensions, per kind.
CREATE INDEX requests_decided_idx
    ON requests (decided_on, team, kind, decision_days, decided_on_time);
CREATE INDEX requests_completed_idx
    ON requests (completed_on, team, kind, completion_days, completed_on_time);
CREATE INDEX requests_extension_idx
    ON requests (extension_informed_on, team, kind);
-- Lists filtered by kind and date of receipt.
CREATE INDEX requests_kind_received_idx ON requests (kind, received_on);
