-- Identity tables of the API (versions 2000-2999). Instants are Unix
-- microseconds (UTC); ids are UUID text.

-- Server-side sessions. The bearer/cookie token is kept only as its SHA-256.
CREATE TABLE sessions (
    token_sha256    TEXT    PRIMARY KEY,
    session_id      TEXT    NOT NULL UNIQUE,
    principal_kind  TEXT    NOT NULL,      -- staff | client
    principal_id    TEXT    NOT NULL,
    team_id         TEXT    NOT NULL,
    created_at      BIGINT  NOT NULL,
    last_seen_at    BIGINT  NOT NULL,
    expires_at      BIGINT  NOT NULL,
    revoked_at      BIGINT
);
CREATE INDEX sessions_by_principal ON sessions (principal_kind, principal_id);

-- Write-side index of logins by email: which credentials stream (the
-- principal's id) holds the password for an address. Written by the API
-- right after the append that creates or changes a login; it can be rebuilt
-- from the credentials events (CredentialsStaffRegistered,
-- CredentialsInviteIssued).
CREATE TABLE logins (
    principal_kind  TEXT    NOT NULL,      -- staff | client
    email           TEXT    NOT NULL,
    principal_id    TEXT    NOT NULL,
    team_id         TEXT    NOT NULL,
    PRIMARY KEY (principal_kind, email, principal_id)
);
CREATE INDEX logins_by_principal ON logins (principal_kind, principal_id);

-- Rate limiting: one row per counted attempt, shared by every API process.
CREATE TABLE auth_attempts (
    bucket  TEXT    NOT NULL,              -- e.g. "login:account:staff:a@b.c", "login:ip:192.0.2.1"
    at      BIGINT  NOT NULL
);
CREATE INDEX auth_attempts_by_bucket ON auth_attempts (bucket, at);
