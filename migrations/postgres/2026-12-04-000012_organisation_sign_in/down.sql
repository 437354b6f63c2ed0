ALTER TABLE web_sessions DROP COLUMN signed_in_with;
DROP TABLE oidc_attempts;
DROP INDEX users_oidc_identity_idx;
ALTER TABLE users DROP COLUMN last_signed_in_at;
ALTER TABLE users DROP COLUMN oidc_subject;
ALTER TABLE users DROP COLUMN oidc_issuer;
