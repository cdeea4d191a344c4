-- The worker's email outbox (docs/worker.md): one row per (triggering event,
-- recipient), holding the finished message, inserted in the same transaction
-- as the email follower's checkpoint. Times are Unix microseconds, UTC.

CREATE TABLE email_outbox (
    email_id         TEXT    PRIMARY KEY,
    event_id         TEXT    NOT NULL,
    recipient        TEXT    NOT NULL,
    team_id          TEXT    NOT NULL,
    kind             TEXT    NOT NULL,
    subject          TEXT    NOT NULL,
    sender           TEXT    NOT NULL,
    message_id       TEXT    NOT NULL,
    message          BYTEA   NOT NULL,          -- the RFC 5322 bytes, as sent
    state            TEXT    NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
    attempts         BIGINT  NOT NULL DEFAULT 0,
    last_error       TEXT,
    created_at       BIGINT  NOT NULL,
    next_attempt_at  BIGINT  NOT NULL,
    sent_at          BIGINT,
    UNIQUE (event_id, recipient)
);

CREATE INDEX email_outbox_due ON email_outbox (next_attempt_at) WHERE state = 'pending';
CREATE INDEX email_outbox_team ON email_outbox (team_id, created_at);

-- New-message emails: when the last one of each thread went to each side,
-- so that at most one is sent per quiet period.
CREATE TABLE email_quiet_periods (
    client_id  TEXT    NOT NULL,
    side       TEXT    NOT NULL CHECK (side IN ('client', 'staff')),
    last_at    BIGINT  NOT NULL,
    PRIMARY KEY (client_id, side)
);

-- Timed rules: the items that fall due at a known instant, kept by the
-- `worker_due` follower. `due_at` is the earliest instant the item can be due.
CREATE TABLE worker_due (
    kind       TEXT    NOT NULL CHECK (kind IN ('close_window', 'complete', 'expire_quote')),
    item_id    TEXT    NOT NULL,                -- appointment or quote id
    stream_id  TEXT    NOT NULL,                -- the diary's team id, or the quote id
    due_at     BIGINT  NOT NULL,
    PRIMARY KEY (kind, item_id)
);

CREATE INDEX worker_due_at ON worker_due (kind, due_at);
