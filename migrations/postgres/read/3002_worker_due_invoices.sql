-- follower "worker_due": rows for issued invoices not yet overdue (kind
-- 'overdue_invoice', the overdue_invoices job). Invoices issued before this
-- follower knew them have no row, so it starts again from the log: the
-- table is made anew (its rows go) and its checkpoint returns to 0, and it
-- indexes every stream again on its next step (the jobs find nothing due
-- meanwhile; every job checks the domain, so a replay changes nothing that
-- was done). Overdue notices recorded for due days that ended longer than
-- the email horizon ago are not emailed (docs/email.md).

DROP TABLE worker_due;

CREATE TABLE worker_due (
    kind       TEXT    NOT NULL CHECK (kind IN ('close_window', 'complete', 'expire_quote', 'overdue_invoice')),
    item_id    TEXT    NOT NULL,                -- appointment, quote or invoice id
    stream_id  TEXT    NOT NULL,                -- the diary's team id, or the quote or invoice id
    due_at     BIGINT  NOT NULL,
    PRIMARY KEY (kind, item_id)
);

CREATE INDEX worker_due_at ON worker_due (kind, due_at);

UPDATE projection_checkpoints SET position = 0 WHERE name = 'worker_due';
