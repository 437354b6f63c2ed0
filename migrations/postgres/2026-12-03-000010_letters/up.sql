-- The requester's postal address (only for letters by post) and the language of
-- their letters: personal data, removed by retention with the rest.
ALTER TABLE request_details ADD COLUMN address_line TEXT;
ALTER TABLE request_details ADD COLUMN address_postcode TEXT;
ALTER TABLE request_details ADD COLUMN address_city TEXT;
ALTER TABLE request_details ADD COLUMN language TEXT;

-- Letters to the requester. A draft keeps its free paragraphs (JSON); a letter that
-- went out keeps its text and PDF exactly as sent, and the SHA-256 of the PDF. The
-- retention purge empties paragraphs, text and PDF and keeps the rest.
CREATE TABLE letters (
    id TEXT NOT NULL PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES requests (id),
    kind TEXT NOT NULL CHECK (kind IN ('acknowledgement', 'information_request', 'extension_notice', 'decision', 'completion', 'withdrawal_confirmation', 'restriction_lifting')),
    status TEXT NOT NULL CHECK (status IN ('draft', 'queued', 'sent', 'failed')),
    channel TEXT NOT NULL CHECK (channel IN ('email', 'post')),
    language TEXT NOT NULL CHECK (language IN ('nl', 'en')),
    paragraphs TEXT,
    body TEXT,
    pdf BYTEA,
    sha256 TEXT,
    sent_on DATE,
    -- Delivery by e-mail, as the outbox does it: claimed with a lease, retried with
    -- back-off, failed after the last attempt; the Message-ID derives from the id.
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP,
    claimed_until TIMESTAMP,
    last_error TEXT,
    message_id TEXT,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    purged_at TIMESTAMP
);
CREATE INDEX letters_request_idx ON letters (request_id, created_at);
CREATE INDEX letters_delivery_idx ON letters (status, next_attempt_at);
