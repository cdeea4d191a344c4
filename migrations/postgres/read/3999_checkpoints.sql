-- Follower checkpoints (also created by the projections' own migration;
-- kept here so the worker's followers have theirs on any read database).
CREATE TABLE IF NOT EXISTS projection_checkpoints (
    name        TEXT    PRIMARY KEY,
    position    BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);
