"""A retried POST creates nothing twice; bad input is answered as RFC 9457 problem details."""

from __future__ import annotations

from sqlalchemy import func, select

from core.extensions import db
from tests.core.api.conftest import bearer
from tests.fixtures.plugins.example.views import Note


def _notes() -> int:
    return db.session.scalar(select(func.count(Note.id)))


def test_a_retried_post_replays_the_first_answer_and_creates_nothing(client, token_a):
    headers = {**bearer(token_a), "Idempotency-Key": "upload-0001"}
    first = client.post("/api/v1/example/notes", json={"text": "seen"}, headers=headers)
    again = client.post("/api/v1/example/notes", json={"text": "seen"}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.get_json() == again.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert _notes() == 1


def test_the_same_key_with_another_body_is_refused(client, token_a):
    headers = {**bearer(token_a), "Idempotency-Key": "upload-0002"}
    client.post("/api/v1/example/notes", json={"text": "one"}, headers=headers)
    answer = client.post("/api/v1/example/notes", json={"text": "two"}, headers=headers)
    assert answer.status_code == 422
    assert "different request" in answer.get_json()["detail"]
    assert _notes() == 1


def test_a_post_without_a_key_is_refused_and_saves_nothing(client, token_a):
    answer = client.post("/api/v1/example/notes", json={"text": "x"}, headers=bearer(token_a))
    assert answer.status_code == 400
    assert "Idempotency-Key" in answer.get_json()["detail"]
    assert _notes() == 0


def test_validation_errors_name_each_bad_field(client, token_a):
    answer = client.post("/api/v1/example/notes", json={"text": "", "case_id": "x" * 40},
                         headers={**bearer(token_a), "Idempotency-Key": "bad-1"})
    assert answer.status_code == 422
    assert answer.mimetype == "application/problem+json"
    problem = answer.get_json()
    assert problem["status"] == 422 and problem["title"]
    assert {e["pointer"] for e in problem["errors"]} == {"#/text", "#/case_id"}
    assert _notes() == 0
    # a failed attempt does not use up the key
    retry = client.post("/api/v1/example/notes", json={"text": "fixed"},
                        headers={**bearer(token_a), "Idempotency-Key": "bad-1"})
    assert retry.status_code == 201


def test_an_unknown_api_path_is_a_problem_not_a_page(client, token_a):
    answer = client.get("/api/v1/nothing-here", headers=bearer(token_a))
    assert answer.status_code == 404
    assert answer.mimetype == "application/problem+json"


def test_keys_are_per_person(client, token_a, token_c):
    key = {"Idempotency-Key": "shared-key"}
    client.post("/api/v1/example/notes", json={"text": "a"}, headers={**bearer(token_a), **key})
    answer = client.post("/api/v1/example/notes", json={"text": "c"},
                         headers={**bearer(token_c), **key})
    assert answer.status_code == 201 and "Idempotent-Replayed" not in answer.headers
    assert _notes() == 2


def test_calls_beyond_the_rate_limit_get_429_per_token(make_app, world, token_a, token_c):
    app = make_app(RATELIMIT_ENABLED=True, API_RATE_LIMIT="3 per minute")
    client = app.test_client()
    with app.app_context():
        answers = [client.get("/api/v1/me", headers=bearer(token_a)).status_code
                   for _ in range(4)]
        assert answers == [200, 200, 200, 429]
        limited = client.get("/api/v1/me", headers=bearer(token_a))
        assert limited.mimetype == "application/problem+json"
        # another token is counted on its own, even from the same address
        assert client.get("/api/v1/me", headers=bearer(token_c)).status_code == 200
