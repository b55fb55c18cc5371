"""The pages the coordinator and the group work on around the returns: briefing material for
the group, check points showing who has submitted what, a "no involvement" return, the
parent's views from the named QA officer, and the meeting's themes and learning."""

from __future__ import annotations

from datetime import date

from core.extensions import db
from core.workflow.calendar import add_working_days
from plugins.multi_agency import lifecycle
from plugins.multi_agency.clock import london_today
from plugins.multi_agency.models import MultiAgencyTheme
from plugins.multi_agency.returns import return_of, save_return
from plugins.multi_agency.voice import voice_of
from tests.plugins.multi_agency.conftest import complete, start
from tests.support import factories as f


def _date(name: str, day: date) -> dict[str, str]:
    return {f"{name}-day": str(day.day), f"{name}-month": str(day.month),
            f"{name}-year": str(day.year)}


def test_briefing_material_is_attached_and_the_group_reads_it(audit, ma, login):
    client = login(ma.coordinator)
    url = f"/multi-agency/{audit.id}/briefings"
    bad = client.post(url, data={"title": "", "link": "http://insecure.example"})
    assert bad.status_code == 400
    assert 'href="#title"' in bad.text and 'href="#link"' in bad.text
    assert client.post(url, data={"title": "Neglect toolkit briefing",
                                  "notes": "Read the graded care profile before auditing.",
                                  "link": "https://lscp.example/neglect.pdf"}).status_code == 303
    page = login(ma.lead_h).get(f"/multi-agency/{audit.id}").text
    assert "Neglect toolkit briefing" in page and "https://lscp.example/neglect.pdf" in page
    assert login(ma.lead_h).post(url, data={"title": "x", "notes": "y"}).status_code == 403


def test_a_check_point_shows_the_coordinator_who_has_submitted_what(audit, ma, login):
    client = login(ma.coordinator)
    due = add_working_days(london_today(), 12)  # between the pre-meeting and the deadline
    assert client.post(f"/multi-agency/{audit.id}/checkpoints",
                       data={"label": "Half the returns in", **_date("due_on", due)}
                       ).status_code == 303
    start(audit, ma, {ma.lead_h.id: (audit.cases[0].code,)})
    save_return(audit, audit.cases[1], ma.b.id, ma.lead_b, complete("police"), submit=True)
    save_return(audit, audit.cases[2], ma.a.id, ma.lead_a, complete("childrens_services"))
    db.session.commit()
    checkpoint = audit.checkpoints[0]
    assert client.post(f"/multi-agency/{audit.id}/checkpoints/{checkpoint.id}/review"
                       ).status_code == 303
    page = client.get(f"/multi-agency/{audit.id}/progress").text
    assert "1 of 24 returns submitted" in page
    assert "Checked: 1 of 24 returns were in." in page
    for label in ("Submitted", "Draft", "Blocked: conflict declared", "Not started"):
        assert label in page
    for agency in ("Northbrook Council (0)", "Northbrook Police (1)", "Northbrook Health (0)"):
        assert agency in page
    assert login(ma.lead_b).post(f"/multi-agency/{audit.id}/checkpoints/{checkpoint.id}/review"
                                 ).status_code == 403


def test_an_agency_with_no_involvement_says_so_instead_of_grading(audit, ma, login):
    start(audit, ma)
    selected = audit.cases[3]
    url = f"/multi-agency/{audit.id}/cases/{selected.code}/returns/{ma.h.id}"
    client = login(ma.lead_h)
    answer = client.post(url, data={"no_involvement": "yes", "action": "submit",
                                    "evidence": "Searched the child health record: none."})
    assert answer.status_code == 303
    ret = return_of(selected, ma.h.id)
    assert (ret.submitted, ret.no_involvement, ret.overall, ret.grades) == (True, True, None, {})
    assert "Searched the child health record" in client.get(url).text


def test_the_named_qa_officer_records_the_parents_views(audit, ma, login, world):
    officer = f.make_user("qa_officer", world.a, email="qa@example.test")
    db.session.commit()
    coordinator = login(ma.coordinator)
    assert coordinator.post(f"/multi-agency/{audit.id}/group/family",
                            data={"parent_voice_officer": str(officer.id)}).status_code == 303
    start(audit, ma)
    selected = audit.cases[2]
    url = f"/multi-agency/{audit.id}/cases/{selected.code}/voice/parent"
    client = login(officer)
    missing = client.post(url, data={"outcome": "spoke", **_date("contacted_on",
                                                                  london_today())})
    assert missing.status_code == 400 and 'href="#views"' in missing.text
    assert client.post(url, data={"outcome": "spoke", "views": "Mum felt listened to.",
                                  **_date("contacted_on", london_today())}).status_code == 303
    assert voice_of(selected, "parent").views == "Mum felt listened to."
    assert voice_of(selected, "parent").recorded_by_id == officer.id
    assert client.get(f"/multi-agency/{audit.id}/cases/{selected.code}/voice/child"
                      ).status_code == 404
    assert login(ma.lead_a).post(url, data={"outcome": "declined", **_date(
        "contacted_on", london_today())}).status_code in (403, 404)


def test_the_meeting_records_cross_agency_themes_and_learning(audit, ma, login):
    start(audit, ma)
    client = login(ma.coordinator)
    url = f"/multi-agency/{audit.id}/themes"
    early = client.post(url, data={"kind": "theme", "title": "Too early", "text": "x"})
    assert early.status_code == 409  # only once the meeting is recorded
    lifecycle.record_consultation(audit, london_today(), london_today(), ma.coordinator)
    db.session.commit()
    bad = client.post(url, data={"kind": "", "title": "", "text": ""})
    assert bad.status_code == 400
    assert all(f'href="#{name}"' in bad.text for name in ("kind", "title", "text"))
    client.post(url, data={"kind": "theme", "title": "Fathers are invisible",
                           "text": "No agency spoke to the father."})
    client.post(url, data={"kind": "learning", "title": "Chronologies help",
                           "text": "A shared chronology found the pattern."})
    kinds = {t.title: t.kind for t in db.session.scalars(db.select(MultiAgencyTheme))}
    assert kinds == {"Fathers are invisible": "theme", "Chronologies help": "learning"}
    page = client.get(f"/multi-agency/{audit.id}/consultation").text
    assert "Fathers are invisible" in page and "A shared chronology found the pattern." in page
    assert login(ma.lead_a).post(url, data={"kind": "theme", "title": "t", "text": "t"}
                                 ).status_code == 403
