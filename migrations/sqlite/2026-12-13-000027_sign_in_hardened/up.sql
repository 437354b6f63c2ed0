-- Signing out at the organisation's provider names the session it ends
-- (`id_token_hint`): a session begun with the organisation's account keeps its ID
-- token until it ends.
ALTER TABLE web_sessions ADD COLUMN id_token TEXT;

-- Tokens expire: personal tokens after 90 days by default (a year at most), service
-- tokens for scripts carry a name and may live longer. Tokens in use today expire 90
-- days after this upgrade, not at once.
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMP;
ALTER TABLE api_tokens ADD COLUMN service_name TEXT;
UPDATE api_tokens SET expires_at = strftime('%Y-%m-%d %H:%M:%f', 'now', '+90 days')
 WHERE revoked_at IS NULL;

-- With roles from the provider's groups, a user whose groups give no role has none
-- (no session, no token) until they do.
ALTER TABLE users ADD COLUMN role_withdrawn_at TIMESTAMP;
