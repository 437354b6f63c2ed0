DROP TABLE audit_head;
DROP TABLE audit_events;
DROP TABLE recipients;
DROP TABLE suspensions;
DROP TABLE decision_grounds;
DROP TABLE request_details;
DROP TABLE requests;
DROP TABLE reference_counters;
