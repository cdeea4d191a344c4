-- Every API process keeps the sessions it found (docs/security.md,
-- "Sessions kept in memory"). A session ended anywhere (logout, a password
-- set from a link, a suspended portal, its life cut short or its row
-- removed by hand) is announced on the channel `cma_session_ended` with its
-- token's SHA-256, in the same transaction as the end: every process
-- listening forgets it when the end commits. `*` announces that every
-- session ended (the table emptied); an empty announcement is a listener's
-- heartbeat. The worker's purge of expired rows announces them too
-- (harmless: they are no longer found).

CREATE FUNCTION cma_session_ended() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('cma_session_ended', OLD.token_sha256);
    RETURN NULL;
END
$$;

CREATE FUNCTION cma_sessions_emptied() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('cma_session_ended', '*');
    RETURN NULL;
END
$$;

CREATE TRIGGER sessions_ended
    AFTER UPDATE OF revoked_at, expires_at ON sessions
    FOR EACH ROW WHEN (
        (OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL)
        OR NEW.expires_at < OLD.expires_at
    )
    EXECUTE FUNCTION cma_session_ended();

CREATE TRIGGER sessions_removed
    AFTER DELETE ON sessions
    FOR EACH ROW WHEN (OLD.revoked_at IS NULL)
    EXECUTE FUNCTION cma_session_ended();

CREATE TRIGGER sessions_emptied
    AFTER TRUNCATE ON sessions
    FOR EACH STATEMENT
    EXECUTE FUNCTION cma_sessions_emptied();
