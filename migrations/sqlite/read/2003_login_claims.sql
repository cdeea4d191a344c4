-- When a signup claimed a staff address (microseconds since the epoch), null
-- once its team and credentials are recorded (and for every earlier login).
-- A claim left behind by a signup that never finished (the process died or
-- the request was dropped between the claim and the appends) is taken over
-- by a later signup once it is older than a few minutes and its staff member
-- has no credentials in the event store (api/src/identity/logins.rs).
ALTER TABLE logins ADD COLUMN claimed_at INTEGER;
