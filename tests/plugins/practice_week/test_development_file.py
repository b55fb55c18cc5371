"""The practitioner's development file (issue 7, item 4): every observation of their
practice, in practice weeks and outside them (annual, ASYE), newest first, for the
practitioner, their line management and the QA team only; 404 for anyone else."""

from __future__ import annotations

from datetime import date

import pytest
from flask_login import login_user

from core.extensions import db
from plugins.practice_week import schedule
from plugins.practice_week.access import development_file, file_agencies
from tests.plugins.practice_week import helpers as h
from tests.support.factories import make_user


def outside_week(pw, observer, practitioner, kind: str, day: date):
    form = {**h.slot(observer, practitioner, day=day), "kind": kind, "tool_key": h.TOOL}
    obs = schedule.schedule(pw.w.a.id, pw.w.p1.id, None, form, pw.tm)
    db.session.commit()
    return obs


@pytest.fixture
def file(pw, frozen):
    """Sam's file: a practice week observation recorded and shared (feedback on time), an
    annual one recorded, an ASYE one planned; Kit (same team) has one of their own."""
    week = h.make_week(pw, pw.dcs)
    in_week = h.observe(pw, week, pw.dcs, pw.sw1)
    kits = h.observe(pw, week, pw.dcs, pw.sw2, starts="14:00", ends="15:00")
    annual = outside_week(pw, pw.hos, pw.sw1, "annual", date(2026, 11, 2))
    asye = outside_week(pw, pw.dcs, pw.sw1, "asye", date(2026, 12, 7))
    frozen.at(2026, 10, 6, 15, 0)
    h.record(in_week, pw.dcs)
    h.share(in_week, pw.dcs)
    frozen.at(2026, 11, 2, 15, 0)
    h.record(annual, pw.hos, observed_on=date(2026, 11, 2))
    return {"week": in_week, "annual": annual, "asye": asye, "kits": kits}


def url(user) -> str:
    return f"/practice_week/people/{user.id}"


@pytest.mark.parametrize("who", ["sw1", "tm", "hos", "qa"])
def test_the_practitioner_line_management_and_qa_read_the_whole_file(pw, file, login, who):
    page = login(getattr(pw, who)).get(url(pw.sw1))
    assert page.status_code == 200
    assert "Development file: observations of Sam Worker" in page.text
    text = page.text
    positions = [text.index(file[k].reference) for k in ("asye", "annual", "week")]
    assert positions == sorted(positions), "newest first"
    for label in ("ASYE observation", "Annual observation", "Practice week observation",
                  "Planned", "Recorded", "Feedback shared", "On time"):
        assert label in text
    assert f'/practice_week/observations/{file["annual"].id}"' in text


def test_observations_of_other_practitioners_never_appear(app, pw, file, login):
    text = login(pw.qa).get(url(pw.sw1)).text
    assert file["kits"].reference not in text
    assert "Kit Colleague" not in text
    with app.test_request_context():
        login_user(pw.qa)
        practitioner, listed = development_file(pw.sw1.id)
    assert practitioner.id == pw.sw1.id
    assert [o.id for o in listed] == [file[k].id for k in ("asye", "annual", "week")]


def test_a_colleague_in_the_same_team_gets_404(pw, file, login):
    client = login(pw.sw2)
    assert client.get(url(pw.sw1)).status_code == 404
    assert client.get(url(pw.sw2)).status_code == 200  # their own file opens


def test_an_observer_outside_the_line_reads_the_record_but_not_the_file(pw, file, login):
    client = login(pw.dcs)  # observes Sam, but is not on Sam's line management chain
    assert client.get(f"/practice_week/observations/{file['week'].id}").status_code == 200
    assert client.get(url(pw.sw1)).status_code == 404
    assert file_agencies(pw.sw1.id, pw.dcs) == set()


def test_someone_in_another_agency_gets_404(pw, file, login):
    outsider = make_user("qa_officer", pw.w.c, email="qa.c@example.test")
    db.session.commit()
    assert login(outsider).get(url(pw.sw1)).status_code == 404


def test_a_person_who_does_not_exist_gets_404(pw, login):
    assert login(pw.qa).get("/practice_week/people/999999").status_code == 404


def test_the_observation_page_and_the_index_link_to_the_file(pw, file, login):
    client = login(pw.sw1)
    href = f'href="{url(pw.sw1)}"'
    assert href in client.get(f"/practice_week/observations/{file['annual'].id}").text
    index = client.get("/practice_week/").text
    assert "Your development file" in index and href in index
    assert "Your development file" not in login(pw.qa).get("/practice_week/").text
    # the observer outside the line is not offered a link that would answer 404
    assert href not in login(pw.dcs).get(f"/practice_week/observations/{file['week'].id}").text


def test_signed_out_people_are_refused(pw, client):
    assert client.get(url(pw.sw1)).status_code in (302, 401)
