-- Signing in with the organisation's account (OpenID Connect).
-- A user is bound to the provider's subject at their first sign-in (by a verified
-- e-mail address); afterwards the binding decides, not the e-mail address.
ALTER TABLE users ADD COLUMN oidc_issuer TEXT;
ALTER TABLE users ADD COLUMN oidc_subject TEXT;
ALTER TABLE users ADD COLUMN last_signed_in_at TIMESTAMP;
CREATE UNIQUE INDEX users_oidc_identity_idx ON users (oidc_issuer, oidc_subject);

-- A sign-in on its way through the provider: the browser holds a random value in a
-- cookie, only its SHA-256 is kept here with the state, nonce and PKCE verifier.
-- Each is used once (deleted at the callback) and ends after ten minutes.
CREATE TABLE oidc_attempts (
    id_hash TEXT NOT NULL PRIMARY KEY,
    state TEXT NOT NULL,
    nonce TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX oidc_attempts_created_idx ON oidc_attempts (created_at);

-- How a page session began: 'token' (a personal token) or 'oidc' (the organisation's
-- account); signing out of an 'oidc' session also signs out at the provider.
ALTER TABLE web_sessions ADD COLUMN signed_in_with TEXT NOT NULL DEFAULT 'token';
