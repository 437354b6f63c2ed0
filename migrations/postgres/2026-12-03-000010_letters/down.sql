DROP TABLE letters;
ALTER TABLE request_details DROP COLUMN language;
ALTER TABLE request_details DROP COLUMN address_city;
ALTER TABLE request_details DROP COLUMN address_postcode;
ALTER TABLE request_details DROP COLUMN address_line;
