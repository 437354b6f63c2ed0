-- A form sent after its session ended (or with a stale CSRF value) is kept for its
-- user, server-side, until they have signed in again and the form is shown to them
-- filled in as it was: nothing is registered until it is sent again. What was typed
-- is personal data: kept at most an hour (the background loop deletes older rows),
-- never logged, found only by the hash of a secret in the browser's cookie.
CREATE TABLE kept_forms (
    key_hash TEXT NOT NULL PRIMARY KEY,
    user_id TEXT,
    path TEXT NOT NULL,
    fields TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX kept_forms_created_idx ON kept_forms (created_at);
