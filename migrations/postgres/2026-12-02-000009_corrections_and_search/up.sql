-- Who registered a request: the front desk may correct what it registered while the
-- request is still `received`. Filled from the audit trail for existing requests.
ALTER TABLE requests ADD COLUMN registered_by TEXT;
UPDATE requests SET registered_by = (
    SELECT actor FROM audit_events
    WHERE audit_events.request_id = requests.id AND audit_events.action = 'register'
    ORDER BY seq LIMIT 1
);

-- The reason given for a correction or a transfer: free text, so not in the audit
-- event (which names the fields that changed); removed by retention.
CREATE TABLE change_reasons (
    event_id TEXT NOT NULL PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES requests (id),
    reason TEXT NOT NULL
);
CREATE INDEX change_reasons_request_idx ON change_reasons (request_id);

-- Finding a request without its reference: the requester's name folded (lower case,
-- no accents, words separated by one space), once from each word on, so that a prefix
-- of the name or of any word in it is one range scan of this index. Removed with the
-- name by retention; filled for existing requests by `migrate`.
CREATE TABLE requester_keys (
    key TEXT COLLATE "C" NOT NULL,
    request_id TEXT NOT NULL REFERENCES requests (id),
    PRIMARY KEY (key, request_id)
);
CREATE INDEX requester_keys_request_idx ON requester_keys (request_id);
CREATE INDEX request_details_client_reference_idx ON request_details (client_reference);
