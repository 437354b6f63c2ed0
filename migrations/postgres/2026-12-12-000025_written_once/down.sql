DROP TABLE form_keys;
DROP TABLE idempotency_keys;
