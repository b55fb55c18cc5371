"""Fuzzing the whole API from its own OpenAPI document: no server error, and every refusal is an
RFC 9457 problem that says what is wrong (for 422, which fields, by JSON pointer).

Schemathesis reads `/api/v1/openapi.json` in-process over WSGI, so every operation of core and
of every enabled plugin (the example fixture plugin included) is fuzzed without a line here when
a plugin adds an endpoint. Real path parameters (an audit reference, a case code, a note id) come
from the multi-agency fixtures so the fuzzing reaches past the 404 into validation and writes.
Each operation is called with the token of a person whose role may use it, so refusals by
permission do not hide the handler; a second pass runs every operation with no token at all.
"""

from __future__ import annotations

import uuid
from collections import Counter

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.api.tokens import issue
from core.extensions import db
from tests.fixtures.plugins.example.views import Note
from tests.plugins.multi_agency import conftest as multi_agency
from tests.plugins.multi_agency.conftest import bearer, start

# The multi-agency fixtures (a partnership with three agencies, coded cases, an audit, tokens).
ma, audit, tokens = multi_agency.ma, multi_agency.audit, multi_agency.tokens

DOCUMENT = "/api/v1/openapi.json"
FUZZ = settings(max_examples=120, deadline=None, database=None, derandomize=True,
                suppress_health_check=list(HealthCheck))


def problem_faults(response, path: str) -> list[str]:
    """What is wrong with a 4xx answer as an RFC 9457 problem (empty when it is right)."""
    if not path.startswith("/api/") or response.status_code < 400:
        return []
    kind = " ".join(response.headers.get("content-type", []))  # lower-case keys, list values
    if "json" not in kind:
        return [f"{response.status_code} is not JSON: {kind!r}"]
    body = response.json()
    faults = [f"no {key}" for key in ("type", "title", "status") if key not in body]
    if body.get("status") != response.status_code:
        faults.append(f"status {body.get('status')} != {response.status_code}")
    if response.status_code == 422:
        errors = body.get("errors") or []
        if not errors:
            faults.append(f"422 names no field: {body}")
        for error in errors:
            if not error.get("pointer") or not error.get("field") or not error.get("detail"):
                faults.append(f"422 error without pointer/field/detail: {error}")
    return faults


def people_tokens(ma, tokens) -> dict[str, str]:
    """Tokens by path prefix, first match wins: a lead auditor of a participating agency for
    the multi-agency endpoints and `me`, a team manager in agency A (who may see its cases and
    write example notes) for the rest."""
    team_manager = issue(ma.world.tm_a, ma.a, "case system", 30)[1]
    db.session.commit()
    return {"/api/v1/multi-agency": tokens.lead_b, "/api/v1/me": tokens.lead_a,
            "/api/v1/": team_manager}


def test_fuzzing_every_operation_finds_no_server_error_and_names_fields(
        app, audit, ma, tokens, capsys):
    start(audit, ma)
    note = Note(agency_id=ma.a.id, text="A note to fetch")
    db.session.add(note)
    db.session.commit()
    by_prefix = people_tokens(ma, tokens)
    schema = schemathesis.openapi.from_wsgi(DOCUMENT, app, headers=bearer(tokens.lead_b))
    operations = [result.ok() for result in schema.get_all_operations()]
    real = {"reference": audit.reference, "code": ma.cases[1].code, "note_id": note.id}
    cases = st.one_of(
        schema.as_strategy(path_parameters=real),
        schema.as_strategy(generation_mode=schemathesis.GenerationMode.NEGATIVE,
                           path_parameters=real),
        schema.as_strategy())
    seen: Counter = Counter()
    statuses: Counter = Counter()
    failures: list[str] = []

    def token_for(path: str) -> str:
        return next(token for prefix, token in by_prefix.items() if path.startswith(prefix))

    @FUZZ
    @given(case=cases)
    def call(case):
        path = case.formatted_path
        case.headers = {**(case.headers or {}), **bearer(token_for(path)),
                        "Idempotency-Key": uuid.uuid4().hex}
        response = case.call()
        seen[f"{case.method} {case.path}"] += 1
        statuses[response.status_code] += 1
        if response.status_code >= 500:
            failures.append(f"{response.status_code} {case.method} {path} "
                            f"query={case.query} body={case.body!r}")
        failures.extend(f"{case.method} {path}: {fault}"
                        for fault in problem_faults(response, path))

    call()
    with capsys.disabled():
        print(f"\napi fuzz: {len(operations)} operations, {len(seen)} exercised, "
              f"{sum(seen.values())} calls, statuses {dict(sorted(statuses.items()))}, "
              f"{len(failures)} failures")
    assert failures == []
    assert len(seen) == len(operations), set(map(str, operations)) - set(seen)
    assert {200, 201} <= set(statuses) and 422 in statuses


def test_every_operation_refuses_a_caller_without_a_token_as_a_problem(app, tokens, capsys):
    schema = schemathesis.openapi.from_wsgi(DOCUMENT, app, headers=bearer(tokens.lead_b))
    calls = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        case = operation.Case(path_parameters=dict.fromkeys(_path_names(operation), "1"))
        response = case.call(headers={"Authorization": ""})
        calls += 1
        assert response.status_code == 401, (operation.method, operation.path)
        assert problem_faults(response, operation.path) == []
    with capsys.disabled():
        print(f"\napi without a token: {calls} operations refused with 401 problems")
    assert calls >= 10


def _path_names(operation) -> list[str]:
    return [parameter.name for parameter in operation.path_parameters]


def test_a_nul_character_in_a_json_string_is_dropped_not_a_server_error(app, client, ma, tokens):
    """PostgreSQL refuses NUL in text, so `"\\u0000"` in a body used to answer 500 (found here)."""
    token = people_tokens(ma, tokens)["/api/v1/"]
    answer = client.post("/api/v1/example/notes", json={"text": "nul\u0000byte"},
                         headers=bearer(token, uuid.uuid4().hex))
    assert answer.status_code == 201, answer.get_json()
    assert db.session.get(Note, answer.get_json()["id"]).text == "nulbyte"
