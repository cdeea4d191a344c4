-- The login email a session was opened with (trimmed, lower-case): the
-- address typed at login, or the invite's address for the session that
-- setting a password opens. A quote acceptance records it as evidence.
-- Null for sessions opened before this column existed.
ALTER TABLE sessions ADD COLUMN login_email TEXT;
