-- Appending in one statement: cma_append takes a whole batch of appends,
-- numbers, chains and inserts their events, and commits with the statement
-- (autocommit), so an append costs one round trip to the server.
--
-- The ordering guarantees are those of 0001: every writer first takes the
-- transaction-scoped advisory lock "CMA-LOG" and numbers its events from
-- MAX(position) + 1 under it; the lock is released only once the commit is
-- visible, so positions are gap-free and increase in commit order across
-- every process (docs/architecture.md).
--
-- Each event's hash is computed here, under the lock, from the stream's last
-- hash as the log holds it, so no writer relies on a head it remembered. The
-- layout is that of docs/architecture.md ("Hashed bytes"), as
-- store/src/chain.rs computes it to verify the log; the store's contract
-- tests check that both give every event the same hash.

-- A length-prefixed field of the hashed bytes: its length as 4 bytes
-- big-endian, then the bytes.
CREATE FUNCTION cma_hash_field(bytes BYTEA) RETURNS BYTEA
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT int4send(octet_length(bytes)) || bytes $$;

-- An optional field: 0x00 when absent, else 0x01 and the field.
CREATE FUNCTION cma_hash_optional(bytes BYTEA) RETURNS BYTEA
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE WHEN bytes IS NULL THEN '\x00'::bytea
                ELSE '\x01'::bytea || cma_hash_field(bytes) END
$$;

-- SHA-256 of the previous hash followed by the event's canonical bytes.
-- STABLE, not IMMUTABLE: convert_to depends on the database's encoding, and
-- a SQL function declared stricter than its body is not inlined.
CREATE FUNCTION cma_event_hash(
    prev_hash       BYTEA,
    stream_id       TEXT,
    stream_version  BIGINT,
    event_id        UUID,
    event_type      TEXT,
    schema_version  INTEGER,
    recorded_at     BIGINT,
    actor_kind      TEXT,
    actor_id        UUID,
    correlation_id  UUID,
    causation_id    UUID,
    ip              TEXT,
    user_agent      TEXT,
    payload         BYTEA
) RETURNS BYTEA
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT sha256(
        prev_hash
        || cma_hash_field(convert_to('cma-event-v1', 'UTF8'))
        || cma_hash_field(convert_to(stream_id, 'UTF8'))
        || int8send(stream_version)
        || uuid_send(event_id)
        || cma_hash_field(convert_to(event_type, 'UTF8'))
        || substring(int4send(schema_version) FROM 3 FOR 2)
        || int8send(recorded_at)
        || cma_hash_field(convert_to(actor_kind, 'UTF8'))
        || cma_hash_optional(uuid_send(actor_id))
        || uuid_send(correlation_id)
        || cma_hash_optional(uuid_send(causation_id))
        || cma_hash_optional(convert_to(ip, 'UTF8'))
        || cma_hash_optional(convert_to(user_agent, 'UTF8'))
        || cma_hash_field(payload)
    )
$$;

-- Appends a batch: `streams`, `expected` and `counts` hold one entry per
-- append, in order; the event arrays hold the appends' events one after
-- another (`counts[i]` of them for append i). `expected[i]` is the version
-- the stream must be at (0: it must not exist), or NULL for any version.
--
-- Each append is judged in order against the log as the earlier appends of
-- the batch leave it, and gets one row:
--   'duplicate'  an event id is already recorded, taken by an earlier append
--                of the batch, or twice in the append (`duplicate` is the
--                first such id, in the append's order); nothing is written;
--   'conflict'   the stream is not at the expected version (`version` is
--                the version it is at); nothing is written;
--   'appended'   the events are the stream's versions up to `version`, at
--                positions from `first_position` on (NULL for no events).
-- `head` is the log's last position once the append is judged. A refused
-- append does not disturb the others. The events are inserted together at
-- the end, and when there were any the new head is announced on the
-- channel `cma_events`.
CREATE FUNCTION cma_append(
    streams         TEXT[],
    expected        BIGINT[],
    counts          INTEGER[],
    event_ids       UUID[],
    event_types     TEXT[],
    schema_versions INTEGER[],
    recorded_ats    BIGINT[],
    actor_kinds     TEXT[],
    actor_ids       UUID[],
    correlation_ids UUID[],
    causation_ids   UUID[],
    ips             TEXT[],
    user_agents     TEXT[],
    payloads        BYTEA[]
) RETURNS TABLE (
    item            INTEGER,
    outcome         TEXT,
    version         BIGINT,
    first_position  BIGINT,
    duplicate       UUID,
    head            BIGINT
)
LANGUAGE plpgsql
AS $$
DECLARE
    genesis       CONSTANT BYTEA := decode(repeat('00', 32), 'hex');
    n_events      CONSTANT INTEGER := COALESCE(array_length(event_ids, 1), 0);
    start_head    BIGINT;
    -- The last version and hash of each stream of the batch, as the
    -- appends judged so far leave them.
    head_streams  TEXT[];
    head_versions BIGINT[];
    head_hashes   BYTEA[];
    s             INTEGER;
    prev          BYTEA;
    -- The batch's ids already recorded, then those of the appends admitted
    -- so far; `known_before` is how many there were before this append.
    known         UUID[];
    known_before  INTEGER;
    -- Each event's row, filled in when its append is admitted.
    positions     BIGINT[] := array_fill(NULL::BIGINT, ARRAY[n_events]);
    event_streams TEXT[] := array_fill(NULL::TEXT, ARRAY[n_events]);
    versions      BIGINT[] := array_fill(NULL::BIGINT, ARRAY[n_events]);
    prev_hashes   BYTEA[] := array_fill(NULL::BYTEA, ARRAY[n_events]);
    hashes        BYTEA[] := array_fill(NULL::BYTEA, ARRAY[n_events]);
    from_event    INTEGER := 1;  -- the append's first event in the event arrays
    to_event      INTEGER;       -- and its last
BEGIN
    IF cardinality(expected) <> cardinality(streams)
        OR cardinality(counts) <> cardinality(streams)
        OR (SELECT COALESCE(sum(c), 0) FROM unnest(counts) AS c) <> n_events
        OR n_events <> ANY (ARRAY[
            cardinality(event_types), cardinality(schema_versions),
            cardinality(recorded_ats), cardinality(actor_kinds), cardinality(actor_ids),
            cardinality(correlation_ids), cardinality(causation_ids), cardinality(ips),
            cardinality(user_agents), cardinality(payloads)])
    THEN
        RAISE EXCEPTION 'cma_append: the arrays do not describe one batch';
    END IF;

    -- "CMA-LOG" in ASCII.
    PERFORM pg_advisory_xact_lock(18943765767802695);
    SELECT COALESCE(MAX(e.position), 0) INTO head FROM events AS e;
    start_head := head;

    SELECT COALESCE(array_agg(e.event_id), '{}') INTO known
    FROM events AS e
    WHERE e.event_id = ANY (event_ids);

    SELECT COALESCE(array_agg(q.stream_id), '{}'),
           COALESCE(array_agg(h.stream_version), '{}'),
           COALESCE(array_agg(h.hash), '{}')
    INTO head_streams, head_versions, head_hashes
    FROM (SELECT DISTINCT unnest(streams) AS stream_id) AS q
    CROSS JOIN LATERAL (
        SELECT e.stream_version, e.hash
        FROM events AS e
        WHERE e.stream_id = q.stream_id
        ORDER BY e.stream_version DESC
        LIMIT 1
    ) AS h;

    FOR i IN 1 .. COALESCE(array_length(streams, 1), 0) LOOP
        item := i;
        version := NULL;
        first_position := NULL;
        duplicate := NULL;
        to_event := from_event + counts[i] - 1;

        known_before := cardinality(known);
        FOR k IN from_event .. to_event LOOP
            IF event_ids[k] = ANY (known) THEN
                duplicate := event_ids[k];
                EXIT;
            END IF;
            known := known || event_ids[k];
        END LOOP;

        IF duplicate IS NOT NULL THEN
            outcome := 'duplicate';
        ELSE
            s := array_position(head_streams, streams[i]);
            IF s IS NULL THEN
                head_streams := head_streams || streams[i];
                head_versions := head_versions || 0::BIGINT;
                head_hashes := head_hashes || genesis;
                s := cardinality(head_streams);
            END IF;
            version := head_versions[s];
            IF expected[i] IS NOT NULL AND expected[i] <> version THEN
                outcome := 'conflict';
            ELSE
                outcome := 'appended';
                prev := head_hashes[s];
                FOR k IN from_event .. to_event LOOP
                    version := version + 1;
                    head := head + 1;
                    first_position := COALESCE(first_position, head);
                    positions[k] := head;
                    event_streams[k] := streams[i];
                    versions[k] := version;
                    prev_hashes[k] := prev;
                    prev := cma_event_hash(
                        prev, streams[i], version, event_ids[k], event_types[k],
                        schema_versions[k], recorded_ats[k], actor_kinds[k], actor_ids[k],
                        correlation_ids[k], causation_ids[k], ips[k], user_agents[k],
                        payloads[k]);
                    hashes[k] := prev;
                END LOOP;
                head_versions[s] := version;
                head_hashes[s] := prev;
            END IF;
        END IF;
        IF outcome <> 'appended' THEN
            known := known[1:known_before];
        END IF;

        RETURN NEXT;
        from_event := to_event + 1;
    END LOOP;

    IF head > start_head THEN
        INSERT INTO events (position, stream_id, stream_version, event_id, event_type,
            schema_version, recorded_at, actor_kind, actor_id, correlation_id,
            causation_id, ip, user_agent, payload, prev_hash, hash)
        SELECT *
        FROM unnest(positions, event_streams, versions, event_ids, event_types,
                    schema_versions, recorded_ats, actor_kinds, actor_ids, correlation_ids,
                    causation_ids, ips, user_agents, payloads, prev_hashes, hashes)
             AS w (position, stream_id, stream_version, event_id, event_type,
                   schema_version, recorded_at, actor_kind, actor_id, correlation_id,
                   causation_id, ip, user_agent, payload, prev_hash, hash)
        WHERE w.position IS NOT NULL;
        PERFORM pg_notify('cma_events', head::text);
    END IF;
END
$$;
