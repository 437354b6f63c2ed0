ALTER TABLE request_details DROP COLUMN anonymised_at;
