"""The plugin's endpoints are in the OpenAPI document, which validates, and fuzzing them from
that document (schemathesis, in-process over WSGI) never gets a server error."""

from __future__ import annotations

import uuid

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate

from tests.plugins.multi_agency.conftest import bearer, start

PATHS = {
    "/api/v1/multi-agency/cases",
    "/api/v1/multi-agency/audits/{reference}/tool",
    "/api/v1/multi-agency/audits/{reference}/returns",
    "/api/v1/multi-agency/audits/{reference}/cases/{code}/return",
    "/api/v1/multi-agency/audits/{reference}/cases/{code}/return/reopen-request",
    "/api/v1/multi-agency/audits/{reference}/cases/{code}/declaration",
}


def test_the_document_validates_and_lists_the_endpoints(client, tokens):
    answer = client.get("/api/v1/openapi.json", headers=bearer(tokens.lead_b))
    spec = answer.get_json()
    validate(spec)
    assert set(spec["paths"]) >= PATHS
    post = spec["paths"]["/api/v1/multi-agency/audits/{reference}/cases/{code}/return"]["post"]
    assert {"200", "201", "422"} <= set(post["responses"])


def test_fuzzing_the_api_finds_no_server_error(app, audit, ma, tokens):
    start(audit, ma)
    auth = bearer(tokens.lead_b)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, headers=auth)
    schema = schema.include(path_regex="^/api/v1/multi-agency")
    real = {"reference": audit.reference, "code": audit.cases[1].code}
    cases = st.one_of(
        schema.as_strategy(path_parameters=real),
        schema.as_strategy(generation_mode=schemathesis.GenerationMode.NEGATIVE,
                           path_parameters=real),
        schema.as_strategy())
    seen: list[int] = []

    @settings(max_examples=150, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(case=cases)
    def call(case):
        case.headers = {**(case.headers or {}), **auth, "Idempotency-Key": uuid.uuid4().hex}
        response = case.call()
        seen.append(response.status_code)
        assert response.status_code < 500, (case.method, case.path, case.body)

    call()
    assert len(seen) >= 100
    assert {200, 201} & set(seen) and {404, 422} & set(seen)
