-- The retention purge's queue: closed requests whose personal data is still there, by
-- the day they closed. Before, each purge batch joined every closed request to its
-- details to find the next few (a scan of the register per batch); now a batch reads
-- the first entries of a partial index that shrinks as the purge goes.
ALTER TABLE requests ADD COLUMN anonymised_at TIMESTAMP;
UPDATE requests SET anonymised_at = (
    SELECT anonymised_at FROM request_details WHERE request_details.request_id = requests.id
) WHERE id IN (SELECT request_id FROM request_details WHERE anonymised_at IS NOT NULL);
CREATE INDEX requests_retention_idx ON requests (closed_on) WHERE anonymised_at IS NULL;
