"""Walk every route core registers, as people of partnership P1, aiming at P2's objects.

Each URL parameter is filled with the id of an object of the *other* partnership. Whatever the
method, the answer must never be a server error, and never a page that shows P2's names. A
parameter name the map below does not know fails the test: add the new kind of object to
`targets()` so that the new route is walked too.
"""

from __future__ import annotations

import pytest
from flask import Flask

from core.extensions import db
from core.identity.models import Agency, Membership, Partnership, Team, User
from tests.support import factories as f

MARK = "Southmere"


def core_blueprints(app: Flask) -> set[str]:
    core = next(p for p in app.extensions["plugins"].loaded if p.key == "core")
    return set(core.contributes["blueprints"])


def targets(world) -> dict[str, object]:
    """Parameter name -> value pointing at partnership P2's object."""
    return {
        "agency_id": world.c.id,
        "team_id": world.team_c.id,
        "user_id": world.tm_c.id,
        "membership_id": world.tm_c.memberships[0].id,
        "partnership_id": world.p2.id,
        "code": world.case_c.code,
        # P2's case is in the URL, so its check is walked; a stored file is not needed for that
        "attachment_id": "no-such-attachment",
        "token": "not-a-real-token",  # a reset link: the token is the only key, never an id
        "import_id": world.import_c.id,
        "job_id": world.job_c.id,
        "notification_id": world.notification_c.id,
        "action_id": world.action_c.id,
        "plan_id": world.plan_c.id,
        "record_id": world.record_c.id,
        "export_id": world.export_c.id,
        **dict(zip(("key", "version"), any_tool(), strict=True)),
    }


def any_tool() -> tuple[str, int]:
    """Audit tools are platform-wide reference data, not a partnership's: any one will do."""
    from core.tools.models import ToolVersion

    row = db.session.scalars(db.select(ToolVersion).order_by(ToolVersion.id)).first()
    return (row.key, row.version) if row else ("no.such.tool", 1)


def hidden_case(world):
    """A coded case of agency C, carrying the canary identity."""
    from core.cases.attributes import COHORTS
    from core.cases.service import register_case

    identity = {"name": "ZZCANARY-NAME", "date_of_birth": "2011-01-01",
                "record_id": "ZZREF-0001"}
    return register_case(world.p2, world.c, identity, {"cohort": next(iter(COHORTS))}, None)


def mark_partnership_two(world) -> None:
    """Give every P2 object a name containing MARK, so a leak is easy to spot."""
    world.team_c.name = f"{MARK} hidden team"
    world.tm_c.name = f"{MARK} hidden person"
    world.tm_c.email = "hidden.person@southmere.example"
    f.add_role(world.tm_c, "partnership_coordinator", world.p2)
    world.case_c = hidden_case(world)
    world.import_c, world.job_c = hidden_import_and_job(world)
    world.export_c = hidden_export(world)
    world.notification_c = hidden_notification(world)
    world.action_c, world.plan_c, world.record_c = hidden_action_plan_and_record(world)
    db.session.commit()


def hidden_notification(world):
    """A notification in P2's person's inbox, naming the marked team."""
    from core.notifications import notify

    [note] = notify([world.tm_c], "example.event", f"{MARK} hidden notification",
                    f"About {world.case_c.code}", link=f"/cases/{world.case_c.code}")
    return note


def hidden_action_plan_and_record(world) -> tuple:
    """P2's action plan, an action in it about P2's case, and a closing-the-loop record."""
    from core.actions.plans import create_plan
    from core.actions.service import ActionSource, raise_action
    from core.loop.service import create_record, link_action

    plan = create_plan(world.p2, f"{MARK} hidden plan", "", world.tm_c)
    action = raise_action(partnership=world.p2, what=f"{MARK} hidden action", why="finding",
                          owner_agency=world.c, owner_user=world.tm_c, plan=plan, by=world.tm_c,
                          source=ActionSource("core", None, world.case_c))
    record = create_record(world.p2, {"title": f"{MARK} hidden record"}, world.tm_c)
    link_action(record, action)
    return action, plan, record


def hidden_export(world):
    """A finished report export of P2, asked for by P2's person."""
    from core.exports.models import ExportFile
    from core.timeutil import utcnow

    export = ExportFile(kind="report", format="csv", partnership_id=world.p2.id,
                        permission="reports.view", created_by_id=world.tm_c.id,
                        status="ready", params='{"period": "annual"}', expires_at=utcnow())
    db.session.add(export)
    db.session.flush()
    return export


def hidden_import_and_job(world) -> tuple:
    """A held case import and a job, both started by P2's person."""
    from core.cases.models import CaseImport
    from core.jobs.models import JobRecord

    held = CaseImport(partnership_id=world.p2.id, agency_id=world.c.id,
                      uploaded_by_id=world.tm_c.id, rows=1)
    job = JobRecord(name="core.retention", created_by=world.tm_c.id,
                    partnership_id=world.p2.id, result_url=f"/cases/{world.case_c.code}")
    db.session.add_all([held, job])
    db.session.flush()
    return held, job


def routes(app: Flask, world) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every rule of the core blueprints."""
    values = targets(world)
    walked = core_blueprints(app)
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] not in walked:
            continue
        unknown = set(rule.arguments) - set(values)
        assert not unknown, (
            f"{rule.rule} has parameter(s) {sorted(unknown)} that the route walk does not "
            "know: map them to an object of the other partnership in targets()")
        url = rule.build({name: values[name] for name in rule.arguments}, append_unknown=False)
        for method in sorted(rule.methods & {"GET", "POST"}):
            found.append((rule.endpoint, method, url[1]))
    return found


def snapshot(world) -> tuple:
    db.session.expire_all()
    user = db.session.get(User, world.tm_c.id)
    return (
        db.session.get(Partnership, world.p2.id).name,
        db.session.get(Agency, world.c.id).name,
        tuple(p.id for p in db.session.get(Agency, world.c.id).partnerships),
        db.session.get(Team, world.team_c.id).name,
        (user.name, user.email, user.active, user.mfa_enabled_at),
        tuple(sorted(db.session.scalars(db.select(Membership.id).filter_by(user_id=user.id)))),
    )


@pytest.mark.parametrize("who", ["tm_b", "coordinator"])
def test_no_core_route_shows_or_changes_another_partnerships_objects(world, app, who):
    mark_partnership_two(world)
    before = snapshot(world)
    client = app.test_client()
    walked = routes(app, world)
    assert any(endpoint == "admin.person" for endpoint, _, _ in walked)
    for endpoint, method, url in walked:
        f.login_as(client, getattr(world, who))
        response = client.open(url, method=method, data={})
        where = f"{method} {url} ({endpoint}) as {who}"
        assert response.status_code != 500, f"{where} failed with a server error"
        if response.status_code == 200:
            assert MARK not in response.text, f"{where} shows partnership P2's objects"
            for secret in ("hidden.person@southmere.example", world.case_c.code,
                           "ZZCANARY-NAME", "ZZREF-0001"):
                assert secret not in response.text, f"{where} shows {secret}"
    assert snapshot(world) == before
