"""The OpenAPI document: valid, complete, and not public."""

from __future__ import annotations

from openapi_spec_validator import validate

from tests.core.api.conftest import bearer


def test_the_document_validates_and_lists_core_and_plugin_paths(client, token_a):
    answer = client.get("/api/v1/openapi.json", headers=bearer(token_a))
    assert answer.status_code == 200
    spec = answer.get_json()
    validate(spec)
    assert {"/api/v1/me", "/api/v1/cases", "/api/v1/example/notes"} <= set(spec["paths"])
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_the_document_is_not_public(client):
    assert client.get("/api/v1/openapi.json").status_code == 401


def test_a_signed_in_person_with_api_access_may_read_it(world, login, lead_a):
    assert login(lead_a).get("/api/v1/openapi.json").status_code == 200
    assert login(world.practitioner_a).get("/api/v1/openapi.json").status_code == 403


def test_a_disabled_plugins_endpoints_vanish(make_app, token_a):
    """What a plugin gives through qa_register_api_blueprints goes when it is switched off."""
    app = make_app(ENABLED_PLUGINS=[])
    client = app.test_client()
    with app.app_context():
        assert client.post("/api/v1/example/notes", json={"text": "x"},
                           headers=bearer(token_a)).status_code == 404
