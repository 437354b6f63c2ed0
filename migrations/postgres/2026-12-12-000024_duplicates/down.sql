DROP INDEX requests_duplicates_idx;
ALTER TABLE requests DROP COLUMN duplicate_of;
