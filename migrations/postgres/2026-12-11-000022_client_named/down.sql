ALTER TABLE letters DROP COLUMN dated_on;
DROP INDEX request_details_client_key_idx;
CREATE INDEX request_details_client_reference_idx ON request_details (client_reference);
ALTER TABLE request_details DROP COLUMN client_key;
ALTER TABLE request_details DROP COLUMN subject_name;
