-- Idempotency-Key (docs/security.md): the first answer to a POST command,
-- kept per caller (the session principal) and key for at least 24 hours, so
-- that a retry of the same request gets the same answer instead of running
-- again. status and body are null while the first request is still running.
CREATE TABLE idempotency_keys (
    caller       TEXT    NOT NULL,         -- "staff:<uuid>" | "client:<uuid>"
    idem_key     TEXT    NOT NULL,
    fingerprint  TEXT    NOT NULL,         -- SHA-256 of method, path and body
    created_at   INTEGER  NOT NULL,
    status       INTEGER,
    content_type TEXT,
    body         TEXT,
    PRIMARY KEY (caller, idem_key)
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
