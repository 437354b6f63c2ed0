-- An extension announced within the first month is the answer AVG 12(3) asks for:
-- until the decision goes out, the deadline still to meet is the extended one, and a
-- decision sent after such an extension is on time by that date. The stored columns
-- of requests registered before this rule follow it (the daily figures follow
-- through their triggers).
UPDATE requests SET open_due = execution_due
 WHERE extension_informed_on IS NOT NULL AND decided_on IS NULL
   AND status IN ('received', 'in_assessment', 'awaiting_requester')
   AND execution_due > response_due;
UPDATE requests SET decided_on_time = (decided_on <= execution_due)
 WHERE extension_informed_on IS NOT NULL AND decided_on IS NOT NULL
   AND extension_informed_on <= decided_on AND execution_due > response_due;
