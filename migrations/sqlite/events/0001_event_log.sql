-- The event log: one row per event, hash-chained per stream.
CREATE TABLE events (
    position        INTEGER PRIMARY KEY,   -- global, assigned by the single writer in commit order
    stream_id       TEXT    NOT NULL,
    stream_version  INTEGER NOT NULL,      -- 1 for a stream's first event
    event_id        BLOB    NOT NULL UNIQUE,
    event_type      TEXT    NOT NULL,
    schema_version  INTEGER NOT NULL,
    recorded_at     INTEGER NOT NULL,      -- Unix microseconds, UTC
    actor_kind      TEXT    NOT NULL,      -- staff | client | system
    actor_id        BLOB,
    correlation_id  BLOB    NOT NULL,
    causation_id    BLOB,
    ip              TEXT,
    user_agent      TEXT,
    payload         BLOB    NOT NULL,      -- postcard
    prev_hash       BLOB    NOT NULL,
    hash            BLOB    NOT NULL,
    UNIQUE (stream_id, stream_version)
);
