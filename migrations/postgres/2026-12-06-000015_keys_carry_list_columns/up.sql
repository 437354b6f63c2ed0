-- Name keys that carry the columns lists filter on most (docs/performance.md, "Every
-- question at a million"): a search by a common name with a status, kind, team or
-- date of receipt is then answered from one range of `requester_keys_list_idx`,
-- instead of looking up each request that bears the name. The columns follow the
-- request (src/storage/requests.rs keeps them up to date with every change).
ALTER TABLE requester_keys RENAME TO requester_keys_before;
ALTER INDEX requester_keys_pkey RENAME TO requester_keys_before_pkey;
DROP INDEX requester_keys_request_idx;
CREATE TABLE requester_keys (
    key TEXT COLLATE "C" NOT NULL,
    request_id TEXT NOT NULL REFERENCES requests (id),
    status TEXT NOT NULL,
    kind TEXT NOT NULL,
    team TEXT NOT NULL,
    received_on DATE NOT NULL,
    PRIMARY KEY (key, request_id)
);
INSERT INTO requester_keys (key, request_id, status, kind, team, received_on)
SELECT k.key, k.request_id, r.status, r.kind, r.team, r.received_on
FROM requester_keys_before k JOIN requests r ON r.id = k.request_id;
DROP TABLE requester_keys_before;
CREATE INDEX requester_keys_request_idx ON requester_keys (request_id);
CREATE INDEX requester_keys_list_idx ON requester_keys (key, status, kind, team, received_on, request_id);
