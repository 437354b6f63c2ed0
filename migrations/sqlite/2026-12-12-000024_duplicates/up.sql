-- A request registered twice is closed as a duplicate of the other: withdrawn, but
-- not by the requester, so reports and the dashboard count it apart. The partial
-- index holds the few duplicates by the day they were closed.
ALTER TABLE requests ADD COLUMN duplicate_of TEXT;
CREATE INDEX requests_duplicates_idx ON requests (closed_on) WHERE duplicate_of IS NOT NULL;
