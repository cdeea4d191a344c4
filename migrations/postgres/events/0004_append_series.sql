-- Appends queued in series. A command may be decided on the state the
-- appends queued before it will leave its stream, and its append queued
-- behind theirs without waiting for their outcomes (docs/architecture.md,
-- "Queued appends"). Such appends form a series: once one of them is
-- refused, every later one of the series must be refused too, whatever the
-- stream's version by then, for it was decided on events never written.
--
-- cma_append therefore takes two more arrays: `series[i]`, the series of
-- append i within the batch (NULL: none), and `broken_series`, the series
-- refused before this batch. An append of a series broken before the batch
-- or by an earlier append of the batch is a 'conflict' (with the version
-- the stream is at); a refused append ('conflict' or 'duplicate') breaks its
-- series for the rest of the batch. Everything else is as in 0002.
CREATE FUNCTION cma_append(
    streams         TEXT[],
    expected        BIGINT[],
    counts          INTEGER[],
    series          INTEGER[],
    broken_series   INTEGER[],
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
SET plan_cache_mode = force_custom_plan
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
    -- The series refused so far.
    broken        INTEGER[] := COALESCE(broken_series, '{}');
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
        OR cardinality(series) IS DISTINCT FROM cardinality(streams)
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
            IF COALESCE(series[i] = ANY (broken), FALSE)
                OR (expected[i] IS NOT NULL AND expected[i] <> version)
            THEN
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
            IF series[i] IS NOT NULL THEN
                broken := broken || series[i];
            END IF;
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

-- The batch form of 0002, for writers that queue no appends in series
-- (a process of the release before, still running while others are
-- upgraded): the same judgement with no series, in one place. It makes no
-- lookups of its own, so it needs no plan_cache_mode (the function it calls
-- sets it; CREATE OR REPLACE drops the one 0003 set here).
CREATE OR REPLACE FUNCTION cma_append(
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
LANGUAGE sql
AS $$
    SELECT * FROM cma_append(
        streams, expected, counts,
        array_fill(NULL::INTEGER, ARRAY[cardinality(streams)]), '{}'::INTEGER[],
        event_ids, event_types, schema_versions, recorded_ats, actor_kinds, actor_ids,
        correlation_ids, causation_ids, ips, user_agents, payloads)
$$;
