DROP INDEX request_details_client_reference_idx;
DROP TABLE requester_keys;
DROP TABLE change_reasons;
ALTER TABLE requests DROP COLUMN registered_by;
