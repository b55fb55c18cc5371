"""Walk every feedback route as people of partnership P1 (and agency B), aiming at agency A's
and partnership P2's objects: never a server error, never their words or codes, no change."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.extensions import db
from plugins.feedback.models import (
    DisclosureAlert,
    FeedbackLink,
    FeedbackResponse,
    YouSaidWeDid,
)
from tests.plugins.feedback.conftest import public_url
from tests.support import factories as f

SECRET_WORDS = "ZZCANARY they hit me"


@pytest.fixture
def hidden(app, client, make_link, world, cases, frozen):
    """P2's case with an answered link (and alert), an open link and a "you said"."""
    _, token = make_link("child_13_plus", "any_time", case=cases.c, by=world.tm_c)
    client.post(public_url(token), data={"q_T1": SECRET_WORDS})
    open_link, _ = make_link("child_13_plus", "any_time", case=cases.c, by=world.tm_c)
    response = db.session.scalars(select(FeedbackResponse)).one()
    db.session.add(YouSaidWeDid(theme="Feeling safe", you_said="ZZCANARY said",
                                we_did="ZZCANARY did", partnership_id=world.p2.id,
                                agency_id=world.c.id, created_by_id=world.tm_c.id))
    db.session.commit()
    return {"code": cases.c.code, "link_id": open_link.id, "response_id": response.id,
            "alert_id": response.alert.id, "agency_id": world.c.id, "token": "A" * 43,
            "mangled": "a/b"}


def counts() -> tuple:
    db.session.expire_all()
    rows = [db.session.scalar(select(func.count()).select_from(m)) for m in
            (FeedbackLink, FeedbackResponse, DisclosureAlert, YouSaidWeDid)]
    withdrawn = db.session.scalar(select(func.count(FeedbackLink.id))
                                  .where(FeedbackLink.withdrawn_at.is_not(None)))
    acknowledged = db.session.scalar(select(func.count(DisclosureAlert.id))
                                     .where(DisclosureAlert.acknowledged_at.is_not(None)))
    return (*rows, withdrawn, acknowledged)


@pytest.mark.parametrize("who", ["tm_b", "coordinator", "qa_manager_a"])
def test_no_feedback_route_shows_or_changes_another_partnerships_feedback(app, world, hidden,
                                                                          cases, who):
    if who == "qa_manager_a":
        world.qa_manager_a = f.make_user("qa_manager", world.a)
        db.session.commit()
    before = counts()
    client = app.test_client()
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("feedback.")]
    for rule in rules:
        unknown = set(rule.arguments) - set(hidden)
        assert not unknown, f"{rule.rule}: map {sorted(unknown)} in the walk"
        url = rule.build({k: hidden[k] for k in rule.arguments}, append_unknown=False)[1]
        for method in sorted(rule.methods & {"GET", "POST"}):
            f.login_as(client, getattr(world, who))
            data = {"action_taken": "x", "mailbox": "x@example.org", "themes": "Timeliness",
                    "theme": "Timeliness", "you_said": "a", "we_did": "b",
                    "with_whom": "child", "outcome": "declined", "contacted_day": "1",
                    "contacted_month": "3", "contacted_year": "2026"}
            response = client.open(url, method=method, data=data)
            where = f"{method} {url} as {who}"
            assert response.status_code != 500, where
            for secret in ("ZZCANARY", cases.c.code, world.c.name):
                assert secret not in response.text, f"{where} shows {secret}"
    assert counts() == before
