"""The desk's OpenAPI spec fuzzed with schemathesis through the ASGI app (in process): no
input, valid or not, may produce a server error. Runs on the store holding the hostile
articles, so odd stored values are exercised as well as odd requests.

Each operation's request strategy comes from schemathesis and is run by hypothesis directly
(schemathesis's own pytest plugin does not support this pytest's collection yet).
"""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the serve extra is not installed")
schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is not installed")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from serve_support import hostile_db  # noqa: E402

from wirewatch.serve.app import create_app  # noqa: E402

#: Generated requests per operation and generation mode (valid / invalid).
EXAMPLES = 30


@pytest.fixture(scope="module")
def operations():
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", create_app(hostile_db()))
    return {f"{op.method.upper()} {op.path}": op
            for op in (result.ok() for result in schema.get_all_operations())}


#: Every operation of the spec (checked below), each fuzzed on its own.
OPERATIONS = (
    "GET /api/incidents", "GET /api/incidents/{incident_id}", "GET /api/events",
    "GET /api/documents", "GET /api/documents/{document_id}", "GET /api/actors",
    "GET /api/actors/{actor_id}", "GET /api/quotes", "GET /api/claims", "GET /api/stats",
    "GET /export", "POST /api/documents", "POST /api/incidents/{incident_id}/review",
    "POST /api/events/{event_id}/review", "GET /api/reviews",
)


def test_every_operation_is_fuzzed(operations):
    assert set(operations) == set(OPERATIONS)


@pytest.mark.parametrize("mode", ["positive", "negative"])
@pytest.mark.parametrize("name", OPERATIONS)
def test_no_server_error_on_any_input(operations, name, mode):
    from schemathesis.generation import GenerationMode

    operation = operations[name]
    if mode == "negative" and not (operation.query or operation.path_parameters
                                   or operation.body or operation.headers):
        pytest.skip(f"{name} takes no parameters to get wrong")
    strategy = operation.as_strategy(generation_mode=GenerationMode(mode))
    calls = []

    @given(case=strategy)
    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def fuzz(case):
        calls.append(case)
        case.call_and_validate(checks=[not_a_server_error])

    fuzz()
    assert calls
