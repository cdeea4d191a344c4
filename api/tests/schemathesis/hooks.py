"""Hooks of the schemathesis run (api/tests/http/schemathesis.rs)."""

import uuid

import schemathesis


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    # A reused Idempotency-Key with another body is refused (422) by design;
    # every generated command gets a key of its own, as a real caller sends.
    if case.headers and "Idempotency-Key" in case.headers:
        case.headers["Idempotency-Key"] = str(uuid.uuid4())
