-- Requests, their decision and grounds, pauses, recipients, and the audit trail.

-- The last reference number handed out per year of receipt (AVG-YYYY-NNNNN).
CREATE TABLE reference_counters (
    year INTEGER NOT NULL PRIMARY KEY,
    last_number INTEGER NOT NULL
);

-- The workflow state of a request: codes, dates and counters only. Personal data and
-- free text live in request_details, so they can be anonymised on their own.
-- The *_due columns are derived: recomputed from received_on, the periods, paused_days
-- and the extension on every change, and kept here for filtering and sorting.
CREATE TABLE requests (
    id TEXT NOT NULL PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('access', 'rectification', 'erasure', 'restriction', 'portability', 'objection')),
    mode TEXT CHECK (mode IN ('correct', 'supplement')),
    scope TEXT CHECK (scope IN ('data', 'whole_file')),
    direct_marketing BOOLEAN,
    related_request TEXT REFERENCES requests (id),
    channel TEXT NOT NULL CHECK (channel IN ('phone', 'letter', 'email', 'in_person', 'online_dossier', 'web_form')),
    status TEXT NOT NULL CHECK (status IN ('received', 'in_assessment', 'awaiting_requester', 'in_execution', 'completed', 'refused', 'withdrawn')),
    team TEXT NOT NULL REFERENCES teams (code),
    assignee TEXT,
    received_on DATE NOT NULL,
    relation TEXT NOT NULL CHECK (relation IN ('self', 'parent', 'guardian', 'legal_representative', 'authorised')),
    age_band TEXT NOT NULL CHECK (age_band IN ('under_12', '12_15', '16_17', 'adult')),
    identity_verified_by TEXT CHECK (identity_verified_by IN ('known_client', 'id_document', 'digid', 'representative_documents', 'other')),
    extension_informed_on DATE,
    extension_until DATE,
    outcome TEXT CHECK (outcome IN ('granted', 'partially_granted', 'refused')),
    decided_on DATE,
    completed_on DATE,
    closed_on DATE,
    paused_days INTEGER NOT NULL,
    suspended_since DATE,
    response_due DATE NOT NULL,
    execution_due DATE NOT NULL,
    legal_due DATE NOT NULL,
    open_due DATE,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX requests_status_idx ON requests (status, received_on);
CREATE INDEX requests_team_status_idx ON requests (team, status);
CREATE INDEX requests_open_due_idx ON requests (open_due);
CREATE INDEX requests_received_on_idx ON requests (received_on);
CREATE INDEX requests_assignee_idx ON requests (assignee);

-- Personal data and free text of a request; never logged, never in an audit event.
CREATE TABLE request_details (
    request_id TEXT NOT NULL PRIMARY KEY REFERENCES requests (id),
    requester_name TEXT,
    requester_email TEXT,
    requester_phone TEXT,
    client_reference TEXT,
    parents_informed BOOLEAN,
    description TEXT,
    assessment_note TEXT,
    extension_reason TEXT,
    decision_explanation TEXT,
    completion_summary TEXT,
    recipients_note TEXT,
    withdrawal_reason TEXT
);

CREATE TABLE decision_grounds (
    request_id TEXT NOT NULL REFERENCES requests (id),
    position INTEGER NOT NULL,
    ground TEXT NOT NULL,
    PRIMARY KEY (request_id, position)
);

CREATE TABLE suspensions (
    request_id TEXT NOT NULL REFERENCES requests (id),
    number INTEGER NOT NULL,
    reason TEXT NOT NULL CHECK (reason IN ('identity', 'representation', 'clarification')),
    asked_on DATE NOT NULL,
    resumed_on DATE,
    resume_to TEXT NOT NULL CHECK (resume_to IN ('received', 'in_assessment')),
    PRIMARY KEY (request_id, number)
);

-- The recipients informed on completion (AVG 19).
CREATE TABLE recipients (
    request_id TEXT NOT NULL REFERENCES requests (id),
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (request_id, position)
);

-- Append-only and hash-chained: hash = SHA-256(content, prev_hash). No personal data.
CREATE TABLE audit_events (
    seq BIGINT NOT NULL PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    request_id TEXT,
    actor TEXT NOT NULL,
    occurred_at TIMESTAMP NOT NULL,
    action TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT,
    data TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_events_request_idx ON audit_events (request_id, seq);

-- The newest event of the chain, so that removing the last events is detected too.
CREATE TABLE audit_head (
    id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;
