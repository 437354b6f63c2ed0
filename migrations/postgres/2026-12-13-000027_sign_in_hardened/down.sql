ALTER TABLE users DROP COLUMN role_withdrawn_at;
ALTER TABLE api_tokens DROP COLUMN service_name;
ALTER TABLE api_tokens DROP COLUMN expires_at;
ALTER TABLE web_sessions DROP COLUMN id_token;
