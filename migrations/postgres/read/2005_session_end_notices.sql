-- Every API process keeps the sessions it found (docs/security.md,
-- "Sessions kept in memory"). A session ended anywhere (logout, a password
-- set from a link, a suspended portal, a row removed by hand) is announced
-- on the channel `cma_session_ended` with its token's SHA-256, in the same
-- transaction as the end: every process listening forgets it when the
-- end commits. An empty notice is a listener's heartbeat.

CREATE FUNCTION cma_session_ended() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('cma_session_ended', OLD.token_sha256);
    RETURN NULL;
END
$$;

CREATE TRIGGER sessions_ended
    AFTER UPDATE OF revoked_at ON sessions
    FOR EACH ROW WHEN (OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL)
    EXECUTE FUNCTION cma_session_ended();

CREATE TRIGGER sessions_removed
    AFTER DELETE ON sessions
    FOR EACH ROW WHEN (OLD.revoked_at IS NULL)
    EXECUTE FUNCTION cma_session_ended();
