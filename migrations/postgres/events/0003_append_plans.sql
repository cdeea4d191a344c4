-- cma_append plans its statements for each call. A session keeps a generic
-- plan once its first calls found it no dearer, and the first calls of a
-- writer may meet a small log (or import a long stream in large batches):
-- the event-id and stream-head lookups then kept a sequential scan after
-- the log had grown, and appends took tens of milliseconds until the next
-- ANALYZE. Planned per call, each lookup uses its index whatever the size
-- of the log was when the writer started.
ALTER FUNCTION cma_append(
    TEXT[], BIGINT[], INTEGER[], UUID[], TEXT[], INTEGER[], BIGINT[], TEXT[], UUID[],
    UUID[], UUID[], TEXT[], TEXT[], BYTEA[]
) SET plan_cache_mode = force_custom_plan;
