-- Uploaded content kept in PostgreSQL itself, when the read models are on
-- PostgreSQL and no bucket is configured (CMA_FILES_URL unset): every API
-- process then reads what any other stored. Content is keyed by its SHA-256
-- and split into chunks, written and read one chunk at a time. A row of
-- file_content is written last, in the same transaction as the chunks: it
-- says the content is complete.

CREATE TABLE file_content_chunks (
    sha256      TEXT    NOT NULL,
    seq         INTEGER NOT NULL,      -- 0, 1, ... in content order
    bytes       BYTEA   NOT NULL,
    PRIMARY KEY (sha256, seq)
);

CREATE TABLE file_content (
    sha256      TEXT    PRIMARY KEY,
    size        BIGINT  NOT NULL,
    chunks      INTEGER NOT NULL
);
