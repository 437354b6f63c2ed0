DROP INDEX requests_retention_idx;
ALTER TABLE requests DROP COLUMN anonymised_at;
