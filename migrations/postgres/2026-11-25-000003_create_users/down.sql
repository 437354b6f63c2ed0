DROP TABLE api_tokens;
DROP TABLE team_members;
DROP TABLE users;
