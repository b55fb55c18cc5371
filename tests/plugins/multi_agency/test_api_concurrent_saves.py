"""Two first saves of the same return at the same moment (each with its own Idempotency-Key):
both see no return and insert one; the unique row lets one win and the other answers 409
("read it and try again"), never 500. Real concurrent requests through the app, PostgreSQL
only (SQLite locks the whole file, so the writes cannot overlap)."""

from __future__ import annotations

import threading

import pytest
from flask import current_app
from sqlalchemy import func, select

from core.extensions import db
from plugins.multi_agency import group, lifecycle, returns
from plugins.multi_agency.models import MultiAgencyDeclaration, MultiAgencyReturn
from tests.plugins.multi_agency.conftest import bearer, plan

pytestmark = pytest.mark.usefixtures("ma")


@pytest.fixture(autouse=True)
def _postgres_only():
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite locks the whole file, so writes cannot overlap; PostgreSQL only")


def _meet_first(monkeypatch, module, name: str) -> None:
    """Hold each request at `module.name` until both have got there (both saw no row)."""
    real, barrier = getattr(module, name), threading.Barrier(2, timeout=30)

    def held(*args, **kwargs):
        barrier.wait()
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, held)


def _at_once(path: str, payloads: list[tuple[dict, dict]]) -> list[tuple[int, object]]:
    """POST each (json, headers) from its own thread, test client and database session."""
    app, answers = current_app._get_current_object(), []

    def post(payload: dict, headers: dict) -> None:
        try:
            answer = app.test_client().post(path, json=payload, headers=headers)
            answers.append((answer.status_code, answer.get_json()))
        except Exception as exc:  # what a 500 would have been, with the app's errors raised
            answers.append((500, repr(exc)))

    threads = [threading.Thread(target=post, args=p, daemon=True) for p in payloads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(answers, key=lambda a: a[0])


def _count(model) -> int:
    db.session.rollback()  # see what the threads committed
    return db.session.scalar(select(func.count(model.id)))


def test_two_first_saves_at_once_one_wins_and_the_other_gets_409(ma, tokens, monkeypatch):
    audit = plan(ma)
    for lead in (ma.lead_a, ma.lead_b, ma.lead_h):
        for selected, _agency in group.cases_of_auditor(audit, lead):
            group.declare(audit, selected, lead, False)
    lifecycle.open_audit(audit, ma.coordinator)
    db.session.commit()
    path = f"/api/v1/multi-agency/audits/{audit.reference}/cases/{audit.cases[1].code}/return"
    _meet_first(monkeypatch, returns, "_start")  # both saw no return
    answers = _at_once(path, [({"evidence": f"save {n}"}, bearer(tokens.lead_b, key=f"k-{n}"))
                              for n in range(2)])
    assert [status for status, _ in answers] == [201, 409], answers
    assert answers[1][1]["detail"] == ("Someone else saved this return at the same moment; "
                                       "read it and try again.")
    assert _count(MultiAgencyReturn) == 1


def test_two_first_declarations_at_once_one_wins_and_the_other_gets_409(ma, tokens,
                                                                        monkeypatch):
    audit = plan(ma)
    path = f"/api/v1/multi-agency/audits/{audit.reference}/cases/{audit.cases[1].code}" \
           "/declaration"
    _meet_first(monkeypatch, group, "utcnow")  # added, not yet flushed
    answers = _at_once(path, [({"conflict": False}, bearer(tokens.lead_b, key=f"d-{n}"))
                              for n in range(2)])
    assert [status for status, _ in answers] == [201, 409], answers
    assert _count(MultiAgencyDeclaration) == 1


def test_two_updates_at_once_one_wins_and_the_other_gets_409_and_is_logged(ma, tokens,
                                                                          monkeypatch):
    """Both read version 1; the second UPDATE finds it moved on (a stale flush). The loser's
    session must be rolled back before the call log reads the token, or the answer is 500."""
    from core.api.models import ApiCall

    audit = plan(ma)
    for lead in (ma.lead_a, ma.lead_b, ma.lead_h):
        for selected, _agency in group.cases_of_auditor(audit, lead):
            group.declare(audit, selected, lead, False)
    lifecycle.open_audit(audit, ma.coordinator)
    db.session.commit()
    path = f"/api/v1/multi-agency/audits/{audit.reference}/cases/{audit.cases[1].code}/return"
    first = current_app.test_client().post(path, json={"evidence": "first"},
                                           headers=bearer(tokens.lead_b, key="u-0"))
    assert first.status_code == 201
    _meet_first(monkeypatch, returns, "check")  # both loaded the return at the same version
    answers = _at_once(path, [({"evidence": f"update {n}"}, bearer(tokens.lead_b, key=f"u-{n}"))
                              for n in (1, 2)])
    assert [status for status, _ in answers] == [200, 409], answers
    db.session.rollback()
    logged = db.session.scalars(select(ApiCall.status).order_by(ApiCall.id)).all()
    assert sorted(logged) == [200, 201, 409]
