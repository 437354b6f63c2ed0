ALTER TABLE requester_keys RENAME TO requester_keys_after;
ALTER INDEX requester_keys_pkey RENAME TO requester_keys_after_pkey;
DROP INDEX requester_keys_request_idx;
DROP INDEX requester_keys_list_idx;
CREATE TABLE requester_keys (
    key TEXT COLLATE "C" NOT NULL,
    request_id TEXT NOT NULL REFERENCES requests (id),
    PRIMARY KEY (key, request_id)
);
INSERT INTO requester_keys (key, request_id) SELECT key, request_id FROM requester_keys_after;
DROP TABLE requester_keys_after;
CREATE INDEX requester_keys_request_idx ON requester_keys (request_id);
