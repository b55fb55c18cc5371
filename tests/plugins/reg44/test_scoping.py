"""Every Regulation 44 route, aimed at another partnership's objects, answers 404 (or 403 for
people without the permission at all) and changes nothing; independent persons see only the
homes assigned to them. Disabling the plugin removes every route."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from flask import Flask
from sqlalchemy import select

from core.extensions import db
from plugins.reg44 import scrutiny as scrutiny_service
from plugins.reg44.models import (
    ChildView,
    FlaggedChild,
    Home,
    OfstedJudgement,
    Recommendation,
    Visit,
)
from tests.plugins.reg44 import helpers as h
from tests.support.factories import login_as, make_team, make_user

pytestmark = pytest.mark.plugins("reg44")
MARK = "Southmere Haven"


@pytest.fixture
def hidden(r44, frozen):
    """Partnership P2's home with a finished visit, a child, a recommendation and scrutiny."""
    w = r44.world
    team = make_team(w.c, "Haven house")
    visitor = make_user("reg44_visitor", w.c, email="p2.visitor@example.test", name="P2 Visitor")
    home = h.make_home(w, MARK, team=team, agency=w.c, partnership=w.p2, created=frozen.now)
    child = h.make_case(w, partnership=w.p2, agency=w.c)
    placement = h.place(home, child, date(2026, 3, 1))
    h.assign(home, visitor, date(2026, 3, 1))
    visit = h.complete(h.plan(home, date(2026, 3, 1)), visitor, date(2026, 3, 2),
                       recs=("Hidden recommendation",), child=child)
    judgement = OfstedJudgement(home=home, judgement="inadequate", inspected_on=date(2026, 3, 2))
    db.session.add(judgement)
    db.session.flush()
    scrutiny = scrutiny_service.open_scrutiny(home, judgement, None)
    db.session.commit()
    return SimpleNamespace(home=home, visit=visit, placement=placement, scrutiny=scrutiny,
                           view=db.session.scalar(select(ChildView)),
                           flagged=db.session.scalar(select(FlaggedChild)),
                           rec=db.session.scalar(select(Recommendation)))


def values_for(endpoint: str, hidden) -> dict[str, int]:
    child = hidden.flagged.id if endpoint == "reg44.decide" else hidden.view.id
    return {"home_id": hidden.home.id, "placement_id": hidden.placement.id,
            "visit_id": hidden.visit.id, "child_id": child, "rec_id": hidden.rec.id,
            "scrutiny_id": hidden.scrutiny.id}


def routes(app: Flask, hidden, with_ids: bool | None = None) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) of the plugin's rules (only those with ids, or without)."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("reg44.") or \
                (with_ids is not None and bool(rule.arguments) != with_ids):
            continue
        values = values_for(rule.endpoint, hidden)
        unknown = set(rule.arguments) - set(values)
        assert not unknown, f"{rule.rule}: map {sorted(unknown)} in values_for()"
        url = rule.build({k: values[k] for k in rule.arguments}, append_unknown=False)[1]
        found += [(rule.endpoint, m, url) for m in sorted(rule.methods & {"GET", "POST"})]
    return found


def snapshot() -> tuple:
    db.session.expire_all()
    return (
        [(v.state, v.version, v.visitor_id) for v in db.session.scalars(select(Visit))],
        [(x.name, x.version) for x in db.session.scalars(select(Home))],
        [(f.decision, f.version) for f in db.session.scalars(select(FlaggedChild))],
        db.session.scalar(select(db.func.count(Recommendation.id))),
    )


@pytest.mark.parametrize("who", ["coordinator", "hos_a", "visitor", "tm_b"])
def test_no_route_shows_or_changes_another_partnerships_objects(app, r44, hidden, who):
    person = r44.visitor if who == "visitor" else getattr(r44.world, who)
    before = snapshot()
    client = app.test_client()
    with_ids = routes(app, hidden, with_ids=True)
    assert len(with_ids) > 20
    for endpoint, method, url in with_ids:
        login_as(client, person)
        response = client.open(url, method=method, data={})
        assert response.status_code in (403, 404), f"{method} {url} ({endpoint}) as {who}"
    for endpoint, method, url in routes(app, hidden, with_ids=False):
        login_as(client, person)
        response = client.open(url, method=method, data={})
        assert response.status_code != 500, f"{method} {url} ({endpoint}) as {who}"
        assert MARK not in response.text and hidden.visit.reference not in response.text
    assert snapshot() == before


def test_a_visitor_sees_only_the_homes_and_visits_assigned_to_them(r44, login):
    h.assign(r44.home, r44.visitor, date(2026, 3, 1))
    mine = h.plan(r44.home, date(2026, 3, 1))
    elsewhere = h.make_home(r44.world, "Brookside")
    h.assign(elsewhere, r44.other, date(2026, 3, 1))
    theirs = h.plan(elsewhere, date(2026, 3, 1))
    client = login(r44.visitor)
    listing = client.get("/reg44/homes").text
    assert "Oakwood" in listing and "Brookside" not in listing
    assert client.get(f"/reg44/visits/{mine.id}").status_code == 200
    assert client.get(f"/reg44/visits/{theirs.id}").status_code == 404
    assert client.get(f"/reg44/homes/{elsewhere.id}").status_code == 404
    assert "Brookside" not in client.get("/reg44/").text


def test_people_without_any_regulation_44_role_are_refused(r44, login):
    client = login(r44.world.tm_b)
    assert client.get("/reg44/").status_code == 403
    assert client.get("/reg44/reports").status_code == 403


def test_disabling_the_plugin_removes_every_route(make_app, r44, hidden):
    everything = make_app(ENABLED_PLUGINS=["reg44"])
    without = make_app(ENABLED_PLUGINS=[])
    walked = routes(everything, hidden)
    assert not [r for r in without.url_map.iter_rules() if r.endpoint.startswith("reg44.")]
    client = without.test_client()
    login_as(client, r44.world.coordinator)
    for _, method, url in walked:
        assert client.open(url, method=method, data={}).status_code == 404, url
    assert "reg44.generate_schedule" not in without.extensions["job_types"]
