-- The API's own records on the embedded default (data/api.db): sessions,
-- the login index, rate-limit attempts and Idempotency-Key answers. They
-- are not read models (no projector writes them, a rebuild leaves them
-- alone) and live in a database file of their own, so that writing them
-- never waits for the projectors' write lock on read.db. On PostgreSQL the
-- same tables are in the read database (migrations/postgres/read/2000-2004).
-- Instants are Unix microseconds (UTC); ids are UUID text.

-- Server-side sessions. The bearer/cookie token is kept only as its SHA-256.
-- login_email: the address the session was opened with (trimmed,
-- lower-case); a quote acceptance records it as evidence.
CREATE TABLE sessions (
    token_sha256    TEXT    PRIMARY KEY,
    session_id      TEXT    NOT NULL UNIQUE,
    principal_kind  TEXT    NOT NULL,      -- staff | client
    principal_id    TEXT    NOT NULL,
    team_id         TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    last_seen_at    INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    revoked_at      INTEGER,
    login_email     TEXT
);
CREATE INDEX sessions_by_principal ON sessions (principal_kind, principal_id);

-- Write-side index of logins by email: which credentials stream (the
-- principal's id) holds the password for an address (api/src/identity/
-- login_index.rs). claimed_at: when a signup claimed a staff address, null
-- once its team and credentials are recorded.
CREATE TABLE logins (
    principal_kind  TEXT    NOT NULL,      -- staff | client
    email           TEXT    NOT NULL,
    principal_id    TEXT    NOT NULL,
    team_id         TEXT    NOT NULL,
    claimed_at      INTEGER,
    PRIMARY KEY (principal_kind, email, principal_id)
);
CREATE INDEX logins_by_principal ON logins (principal_kind, principal_id);
-- One staff login per address: a second signup's claim is refused here.
CREATE UNIQUE INDEX logins_staff_email ON logins (email) WHERE principal_kind = 'staff';

-- Rate limiting: one row per counted attempt.
CREATE TABLE auth_attempts (
    bucket  TEXT    NOT NULL,              -- e.g. "login:account:staff:a@b.c", "login:ip:192.0.2.1"
    at      INTEGER NOT NULL
);
CREATE INDEX auth_attempts_by_bucket ON auth_attempts (bucket, at);

-- Idempotency-Key (docs/security.md): the first answer to a POST command,
-- kept per caller and key for at least 24 hours. status and body are null
-- while the first request is still running.
CREATE TABLE idempotency_keys (
    caller       TEXT    NOT NULL,         -- "staff:<uuid>" | "client:<uuid>"
    idem_key     TEXT    NOT NULL,
    fingerprint  TEXT    NOT NULL,         -- SHA-256 of method, path and body
    created_at   INTEGER NOT NULL,
    status       INTEGER,
    content_type TEXT,
    body         TEXT,
    PRIMARY KEY (caller, idem_key)
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
