-- The systems that hold clients' data (the client file, the online dossier, the
-- e-mail archive, a processor's systems …), each with the user who answers for it,
-- and one task per system when a request is carried out there.
CREATE TABLE systems (
    code TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    owner_id TEXT NOT NULL REFERENCES users (id),
    deputy_id TEXT REFERENCES users (id),
    -- The kinds of request it takes part in, as codes separated by commas
    -- ("access,erasure").
    kinds TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    processor BOOLEAN NOT NULL DEFAULT FALSE,
    webhook_url TEXT,
    -- The key of the webhook's and the report's HMAC signatures (hex); shown once.
    callback_secret TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK ((webhook_url IS NULL) = (callback_secret IS NULL))
);

-- One system's part in carrying out one request. The owner is the system's owner
-- when the task opened (a later change of owner moves the open tasks, never the
-- closed ones); the due date follows the request's execution deadline while open.
CREATE TABLE tasks (
    id TEXT NOT NULL PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES requests (id),
    system_code TEXT NOT NULL REFERENCES systems (code),
    owner_id TEXT NOT NULL REFERENCES users (id),
    status TEXT NOT NULL CHECK (status IN ('open', 'done', 'not_found', 'exception', 'skipped')),
    opened_on DATE NOT NULL,
    due DATE NOT NULL,
    -- Free text: never in the audit trail, purged with the request.
    note TEXT,
    -- A user's ID, or `system:CODE` when the system's automation reported.
    done_by TEXT,
    done_at TIMESTAMP,
    next_reminder_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (request_id, system_code)
);
CREATE INDEX tasks_owner_idx ON tasks (owner_id, status, due);
CREATE INDEX tasks_system_idx ON tasks (system_code, status);
CREATE INDEX tasks_reminder_idx ON tasks (next_reminder_at) WHERE next_reminder_at IS NOT NULL;

-- Signatures of reports already accepted, so none is accepted twice; kept as long
-- as their timestamp could pass (a few minutes), then removed.
CREATE TABLE used_signatures (
    signature TEXT NOT NULL PRIMARY KEY,
    used_at TIMESTAMP NOT NULL
);
