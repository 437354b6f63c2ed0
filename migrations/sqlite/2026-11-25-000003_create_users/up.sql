-- Users, their teams, and their API tokens (stored only as SHA-256 hashes).

CREATE TABLE users (
    id TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('front_desk', 'caseworker', 'manager', 'privacy_officer', 'auditor')),
    active BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    deactivated_at TIMESTAMP
);

-- A caseworker works in these teams; a manager manages them.
CREATE TABLE team_members (
    team TEXT NOT NULL REFERENCES teams (code),
    user_id TEXT NOT NULL REFERENCES users (id),
    PRIMARY KEY (team, user_id)
);
CREATE INDEX team_members_user_idx ON team_members (user_id);

CREATE TABLE api_tokens (
    id TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);
