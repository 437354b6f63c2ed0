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

-- The dashboard's indexes: each query in src/storage/dashboard.rs names the one it uses
-- (SQLite is told with INDEXED BY). All start with the team, so a manager's sight and
-- the privacy officer's (every team) are the same few range scans.
-- Open requests only (open_due is set exactly while a request is open): a few ten
-- thousand entries instead of the whole register.
CREATE INDEX requests_open_idx
    ON requests (team, status, kind, assignee)
    WHERE open_due IS NOT NULL;
CREATE INDEX requests_open_due_by_team_idx
    ON requests (team, open_due, suspended_since, decided_on, reference, id)
    WHERE open_due IS NOT NULL;
-- The last 90 days of decisions, completions and extensions, per kind.
CREATE INDEX requests_decided_idx
    ON requests (team, decided_on, kind, decision_days, decided_on_time);
CREATE INDEX requests_completed_idx
    ON requests (team, completed_on, kind, completion_days, completed_on_time);
CREATE INDEX requests_extension_idx
    ON requests (team, extension_informed_on, kind);
-- Lists filtered by kind and date of receipt.
CREATE INDEX requests_kind_received_idx ON requests (kind, received_on);

-- The dashboard's index-only scans need the visibility map, which only VACUUM keeps.
-- Every sweep updates the requests it reminds about; with the default thresholds
-- (20 % of the table) a large register would go days between vacuums and its
-- dashboard would read the table after all. Vacuum after 2 % instead.
ALTER TABLE requests SET (
    autovacuum_vacuum_scale_factor = 0.02,
    autovacuum_analyze_scale_factor = 0.02,
    autovacuum_vacuum_insert_scale_factor = 0.02
);
