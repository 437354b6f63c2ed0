DROP INDEX requester_keys_request_idx;
CREATE INDEX requester_keys_request_idx ON requester_keys (request_id);
