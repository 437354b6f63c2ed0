-- The client, named: when someone else asks (a parent, a guardian, an authorised
-- person), the register keeps the name of the person the data are about. Personal
-- data like the requester's name: removed by retention; found by a search through
-- the same name keys (`requester_keys` holds the keys of both names).
ALTER TABLE request_details ADD COLUMN subject_name TEXT;

-- A client number is found whatever its case: the number as compared (trimmed, lower
-- case) beside the number as typed, indexed in place of the number itself.
ALTER TABLE request_details ADD COLUMN client_key TEXT;
UPDATE request_details SET client_key = lower(trim(client_reference)) WHERE client_reference IS NOT NULL;
DROP INDEX request_details_client_reference_idx;
CREATE INDEX request_details_client_key_idx ON request_details (client_key);

-- The date printed on a letter. A letter by post is made final (printed) before it
-- is posted: `dated_on` is the day it was made final, `sent_on` the day it was
-- posted, recorded afterwards without touching the letter. By e-mail the two are the
-- day it was queued and the day it was delivered.
ALTER TABLE letters ADD COLUMN dated_on DATE;
UPDATE letters SET dated_on = COALESCE(sent_on, date(updated_at)) WHERE status <> 'draft';
