-- A search by a common name read in list order checks each request it walks for a
-- matching key: with the key in the index by request that check reads the index
-- alone, not every key row of the request (docs/performance.md, "A search by name
-- in the order of receipt").
DROP INDEX requester_keys_request_idx;
CREATE INDEX requester_keys_request_idx ON requester_keys (request_id, key);
