-- projector "clients": whether the client gets portal-update emails
-- (ClientEmailNotificationsChanged). On until a client turns them off, and
-- no event before this column existed turns them off, so the rows already
-- there are right as they are: no replay.

ALTER TABLE clients ADD COLUMN notifications_email INTEGER NOT NULL DEFAULT 1;
