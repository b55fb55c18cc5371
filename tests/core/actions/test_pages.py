"""The action pages as people use them: raising an action from the form, evidence with a file
kept on the case, the board of a plan, and the way the form reports its errors."""

from __future__ import annotations

import io

from sqlalchemy import select

from core.actions.models import Action
from core.actions.plans import create_plan
from core.actions.service import ActionSource
from core.cases.models import Attachment
from core.cases.service import register_case
from core.extensions import db
from tests.core.cases.conftest import attributes, identity

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_raising_an_action_from_the_form(world, line, login, clock, inbox):
    plan = create_plan(world.p1, "Neglect audit 2026", "", world.coordinator)
    db.session.commit()
    client = login(world.coordinator)
    form = client.get(f"/actions/new?plan={plan.id}")
    assert form.status_code == 200 and f'value="{plan.id}" selected' in form.text
    response = client.post("/actions/new", data={
        "partnership": str(world.p1.id), "plan": str(plan.id),
        "what": "Review every plan in the team", "why": "Plans not reviewed in 6 months",
        "owner_agency": str(world.a.id), "owner_email": "SW.A@example.test",
        "due_day": "27", "due_month": "3", "due_year": "2026", "priority": "normal",
        "source_ref": "MAA-2026-01"})
    assert response.status_code == 302
    action = db.session.scalar(select(Action))
    assert (action.owner_user_id, action.plan_id, action.due_date.isoformat(),
            action.source_ref) == (line.practitioner.id, plan.id, "2026-03-27", "MAA-2026-01")
    assert inbox() == [(line.practitioner.id, "actions.assigned")]
    board = client.get(f"/actions/plans/{plan.id}").text
    assert action.reference in board and "To do" in board


def test_the_form_names_every_problem_and_keeps_what_was_typed(world, login, clock):
    response = login(world.coordinator).post("/actions/new", data={
        "partnership": str(world.p1.id), "what": "", "why": "Kept text",
        "owner_agency": str(world.a.id), "owner_email": "nobody@example.test",
        "due_day": "31", "due_month": "2", "due_year": "2026"})
    assert response.status_code == 400
    page = response.text
    assert '<a href="#what">Enter what is to be done</a>' in page
    assert '<a href="#owner_email">The owner must be an active person' in page
    assert '<a href="#due_day">The due date must be a real date' in page
    assert "Kept text" in page and 'value="nobody@example.test"' in page
    assert db.session.scalar(select(Action)) is None


def test_evidence_with_a_file_is_kept_on_the_case(make_action, world, line, login):
    case = register_case(world.p1, world.a, identity(), attributes(), by=world.coordinator)
    db.session.commit()
    action = make_action(line.practitioner, source=ActionSource("core", None, case))
    client = login(world.coordinator)  # may attach files to the case
    assert client.post(f"/actions/{action.id}/evidence", data={
        "evidence": "Signed plan", "file": (io.BytesIO(PDF), "plan.pdf")},
        content_type="multipart/form-data").status_code == 302
    stored = db.session.scalar(select(Attachment).where(Attachment.case_id == case.id))
    entry = action.entries[-1]
    assert (entry.kind, entry.text, entry.attachment_id) == ("evidence", "Signed plan", stored.id)
    page = client.get(f"/actions/{action.id}").text
    assert f"/cases/{case.code}/attachments/{stored.id}" in page and "plan.pdf" not in page
    refused = client.post(f"/actions/{action.id}/evidence", data={
        "evidence": "", "file": (io.BytesIO(b"<html>"), "x.pdf")},
        content_type="multipart/form-data")
    assert refused.status_code == 400
    assert "Enter a description of the evidence" in refused.text
    assert "not a real PDF" in refused.text
    assert db.session.scalars(select(Attachment)).all() == [stored]


def test_the_owner_without_a_case_permission_adds_evidence_as_text(make_action, line, login):
    action = make_action(line.practitioner)
    client = login(line.practitioner)
    assert 'type="file"' not in client.get(f"/actions/{action.id}").text
    assert client.post(f"/actions/{action.id}/evidence",
                       data={"evidence": "Supervision note of 3 March"}).status_code == 302
    assert action.entries[-1].text == "Supervision note of 3 March"


def test_the_plans_list_counts_open_and_overdue_actions(make_action, world, line, login, clock):
    from datetime import date

    plan = create_plan(world.p1, "Board plan", "", world.coordinator)
    db.session.commit()
    make_action(line.practitioner, plan=plan, due=date(2026, 3, 3))
    make_action(agency=world.b, plan=plan)
    clock.at(2026, 3, 10, 9, 0)
    page = login(world.tm_b).get("/actions/plans").text  # sees only agency B's action
    cells = [c.split(">")[-1] for c in page.split("</td>")]
    assert [c.strip() for c in cells[3:6]] == ["1", "1", "0"]
    assert login(world.coordinator).get("/actions/plans").status_code == 200
