"""Guard: no notification text core renders (email or page) carries a coded case's identity.

Every template under email/ and notifications/ must be rendered here: a new one that is not
fails the coverage check below, so it is checked for identity too.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import template_rendered
from sqlalchemy import select

from core.cases.service import register_case
from core.extensions import db
from core.identity.models import User
from core.notifications import emails, notify
from core.notifications.digest import send_digests
from core.notifications.models import Notification
from core.workflow.engine import fire, start_workflow
from core.workflow.sweep import run_sla_sweep
from tests.core.cases.conftest import attributes, identity, leaks
from tests.fixtures.plugins.example import workflow as example_workflow
from tests.fixtures.plugins.example.views import Note

pytestmark = pytest.mark.plugins("example")
TEMPLATES = Path(__file__).resolve().parents[3] / "core" / "templates"


def notification_templates() -> set[str]:
    """Every notification template core has, layouts aside (they render inside the others)."""
    return {f"{folder}/{p.name}" for folder in ("email", "notifications")
            for p in (TEMPLATES / folder).iterdir() if not p.name.startswith("layout.")}


@pytest.fixture
def rendered(app, monkeypatch):
    """Names of the templates rendered, for pages and for emails alike."""
    names: set[str] = set()
    real = emails._render

    def spy(name: str, context: dict) -> str:
        names.add(name)
        return real(name, context)

    monkeypatch.setattr(emails, "_render", spy)

    def seen(sender, template, context, **extra):
        names.add(template.name)

    template_rendered.connect(seen, app)
    yield names
    template_rendered.disconnect(seen, app)


@pytest.fixture
def coded_case(world):
    case = register_case(world.p1, world.a, identity(), attributes(), by=world.coordinator)
    db.session.commit()
    return case


def run_every_kind_of_notification(world, line, case, choose) -> None:
    """SLA reminder and escalations, an urgent alert and a digest, all about the coded case."""
    choose(line.hos, "digest")
    note = Note(agency_id=world.a.id, text="Review", case_id=case.code)
    db.session.add(note)
    db.session.flush()
    review = start_workflow(example_workflow.KEY, example_workflow.SUBJECT, note.id,
                            world.p1.id, world.a.id, world.team_a.id, by=line.tm)
    for transition, who in (("submit", line.tm), ("start_qa", line.qa)):
        fire(review, transition, who)
    notify([line.sm], "safety.alert", f"Safety alert for case {case.code}",
           f"A safety alert was raised for case {case.code}.", link=f"/cases/{case.code}",
           urgent=True)
    db.session.commit()
    for moment in ((2026, 3, 3, 20, 0), (2026, 3, 4, 0, 0, 30), (2026, 3, 6, 0, 0, 30)):
        run_sla_sweep(datetime(*moment, tzinfo=UTC))
    send_digests()


def pages_for_each_recipient(login) -> list[str]:
    texts = []
    for note in db.session.scalars(select(Notification).order_by(Notification.id)).all():
        client = login(db.session.get(User, note.recipient_id))
        texts += [client.get("/inbox").text,
                  client.post(f"/inbox/{note.id}/open", follow_redirects=True).text,
                  client.get("/account/notifications").text]
    return texts


def test_no_notification_template_shows_identity_from_a_coded_case(
        world, line, frozen, coded_case, choose, outbox, login, rendered):
    run_every_kind_of_notification(world, line, coded_case, choose)
    mails = outbox()
    assert {m["subject"].split(":")[0] for m in mails} >= {"Reminder", "Overdue", "Urgent"}
    assert any(m["subject"].startswith("1 new notification") for m in mails)
    texts = [part for m in mails for part in (m["subject"], m["body"], m["html"])]
    texts += pages_for_each_recipient(login)
    assert any(coded_case.code in text for text in texts)
    assert [leaks(text) for text in texts if leaks(text)] == []
    assert rendered >= notification_templates(), "render every notification template here"
