-- The last moment a session was used: a session idle for longer than
-- AVG_LOKET_SESSION_IDLE ends. Existing sessions count from when they began.
ALTER TABLE web_sessions ADD COLUMN last_seen_at TIMESTAMP;
UPDATE web_sessions SET last_seen_at = created_at;
