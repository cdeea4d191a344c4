-- The event log: one row per event, hash-chained per stream.
-- Appends serialise on a transaction-scoped advisory lock and take
-- position = MAX(position) + 1 under it, so positions are gap-free and
-- increase in commit order (see docs/architecture.md).
CREATE TABLE events (
    position        BIGINT  PRIMARY KEY,
    stream_id       TEXT    NOT NULL,
    stream_version  BIGINT  NOT NULL,
    event_id        UUID    NOT NULL UNIQUE,
    event_type      TEXT    NOT NULL,
    schema_version  INTEGER NOT NULL,
    recorded_at     BIGINT  NOT NULL,      -- Unix microseconds, UTC
    actor_kind      TEXT    NOT NULL,
    actor_id        UUID,
    correlation_id  UUID    NOT NULL,
    causation_id    UUID,
    ip              TEXT,
    user_agent      TEXT,
    payload         BYTEA   NOT NULL,
    prev_hash       BYTEA   NOT NULL,
    hash            BYTEA   NOT NULL,
    UNIQUE (stream_id, stream_version)
);
