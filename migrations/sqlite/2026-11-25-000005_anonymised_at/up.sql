-- When the personal data and free text of a closed request were anonymised (retention).
ALTER TABLE request_details ADD COLUMN anonymised_at TIMESTAMP;
