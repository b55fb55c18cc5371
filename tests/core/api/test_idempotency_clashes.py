"""When the commit of an idempotent POST clashes on a unique constraint: the same key's winner
is replayed, and a clash on the view's own writes is a 409 problem, never a 500."""

from __future__ import annotations

from flask import g, jsonify
from sqlalchemy import func, insert, select

from core.api.idempotency import CLASHED, HEADER, _request_hash, idempotent
from core.api.models import ApiToken, IdempotentResponse
from core.extensions import db
from core.identity.models import Partnership


def _run(app, view, key: str):
    """Call the decorated view as the token's person, outside any route (a unit test)."""
    token = db.session.scalars(select(ApiToken)).one()
    with app.test_request_context("/api/v1/things", method="POST", json={"n": 1},
                                  headers={HEADER: key}):
        g.api_token = token
        return idempotent(view)()


def test_a_clash_on_the_views_own_writes_answers_409_and_saves_nothing(app, world, token_a):
    def view():
        # Flushed only at the decorator's commit, where it clashes with Northbrook's row.
        db.session.add(Partnership(name="Northbrook", code_prefix="NB2"))
        return jsonify({"made": True}), 201

    answer = _run(app, view, "clash-1")
    assert answer.status_code == 409
    assert answer.mimetype == "application/problem+json"
    assert answer.get_json()["detail"] == CLASHED
    assert db.session.scalar(select(func.count(IdempotentResponse.id))) == 0
    assert db.session.scalar(select(func.count(Partnership.id))) == 2


def test_a_concurrent_first_attempt_with_the_same_key_is_replayed(app, world, token_a):
    token = db.session.scalars(select(ApiToken)).one()

    def view():
        # Another attempt with this key commits first (from its own connection).
        with db.engine.begin() as conn:
            conn.execute(insert(IdempotentResponse), [{
                "user_id": token.user_id, "key": "same-1", "request_hash": _request_hash(),
                "status": 201, "body": '{"made": "by the winner"}'}])
        return jsonify({"made": "by the loser"}), 201

    answer = _run(app, view, "same-1")
    assert answer.status_code == 201
    assert answer.get_json() == {"made": "by the winner"}
    assert answer.headers["Idempotent-Replayed"] == "true"
