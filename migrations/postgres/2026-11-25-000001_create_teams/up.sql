-- Teams (service lines such as AMW); every request belongs to one.
CREATE TABLE teams (
    code TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
