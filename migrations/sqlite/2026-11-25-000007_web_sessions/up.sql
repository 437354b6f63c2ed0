-- Browser sessions of the web pages. The cookie holds a random secret; only its
-- SHA-256 is stored, so a copy of the database opens no session. Every form carries
-- the session's CSRF token.
CREATE TABLE web_sessions (
    id_hash TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX web_sessions_user_idx ON web_sessions (user_id);
CREATE INDEX web_sessions_expiry_idx ON web_sessions (expires_at);
