-- Writing twice is writing once. An API call with an `Idempotency-Key` is kept for 24
-- hours: the same key from the same user with the same call is answered as the first
-- was (status, Location, ETag, body), with another call it is refused. The body of an
-- answer may hold personal data: the background loop deletes rows after 24 hours.
CREATE TABLE idempotency_keys (
    user_id TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status INTEGER,
    location TEXT,
    etag TEXT,
    content_type TEXT,
    body BLOB,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);

-- Every form of the pages carries a key of its own, used once: a second submit of
-- the same form (a double-click) is sent where the first went, not carried out again.
CREATE TABLE form_keys (
    key_hash TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL,
    outcome TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX form_keys_created_idx ON form_keys (created_at);
