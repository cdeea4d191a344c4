-- the email enqueuer: the open portal-update email of each client. Updates
-- (quote sent or revised, invoice issued, file shared) recorded within the
-- quiet period after the first join its email while that email is still
-- waiting in the outbox (its send is held until first_at + quiet period).
CREATE TABLE email_portal_updates (
    client_id  TEXT    PRIMARY KEY,
    event_id   TEXT    NOT NULL,      -- the first update's event: the outbox row's key
    recipient  TEXT    NOT NULL,
    first_at   BIGINT NOT NULL,      -- that event's recorded time, microseconds
    updates    TEXT    NOT NULL       -- JSON list of the updates, in order
);
