-- The lists' indexes (docs/performance.md, "Lists by design"). Every sort has an index
-- that delivers its whole order, the unique reference breaking ties, and holds the
-- columns most lists filter on, so that a page of a large list is read in order and
-- its filters checked without reading rows. Two more answer the filters of smaller
-- lists: one over every request, by status, kind and date of receipt (a list names
-- the statuses and kinds it wants, all of them when it has no such filter), one over
-- the open requests only, holding every column a list filters or sorts on.
DROP INDEX requests_received_on_idx;
CREATE INDEX requests_received_on_idx ON requests (received_on, reference, status, kind, team);
CREATE INDEX requests_reference_list_idx ON requests (reference, status, kind, team, received_on, open_due);
CREATE INDEX requests_response_due_idx ON requests (response_due, reference, status, kind, team, received_on);
CREATE INDEX requests_execution_due_idx ON requests (execution_due, reference, status, kind, team, received_on);
CREATE INDEX requests_legal_due_idx ON requests (legal_due, reference, status, kind, team, received_on);
DROP INDEX requests_open_due_idx;
CREATE INDEX requests_open_list_idx
    ON requests (open_due, reference, status, kind, team, assignee, suspended_since, received_on,
                 response_due, execution_due, legal_due, id)
    WHERE open_due IS NOT NULL;
DROP INDEX requests_status_idx;
DROP INDEX requests_kind_received_idx;
CREATE INDEX requests_list_idx ON requests (status, kind, received_on, team, assignee, reference);
DROP INDEX requests_assignee_idx;
CREATE INDEX requests_assignee_idx ON requests (assignee, status, kind, received_on, team, reference);
