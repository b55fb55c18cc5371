"""Who may read an observation record: the practitioner, the observer, their line management
and the QA team; never a colleague in the same team, nor another council."""

from __future__ import annotations

import pytest

from core.extensions import db
from plugins.practice_week.access import visible_observations
from tests.plugins.practice_week import helpers as h
from tests.support.factories import make_user


@pytest.fixture
def obs(pw):
    week = h.make_week(pw, pw.dcs)
    return h.observe(pw, week, pw.dcs, pw.sw1)


@pytest.mark.parametrize("who", ["sw1", "dcs", "tm", "hos", "qa"])
def test_the_practitioner_the_observer_line_management_and_qa_read_it(pw, obs, login, who):
    page = login(getattr(pw, who)).get(f"/practice_week/observations/{obs.id}")
    assert page.status_code == 200
    assert obs.reference in page.text


def test_a_colleague_in_the_same_team_cannot_read_it(pw, obs, login):
    client = login(pw.sw2)
    assert client.get(f"/practice_week/observations/{obs.id}").status_code == 404
    assert obs.reference not in client.get("/practice_week/").text
    assert visible_observations(pw.sw2) == []


def test_a_practitioner_in_another_team_cannot_read_it(pw, obs, login):
    assert login(pw.sw3).get(f"/practice_week/observations/{obs.id}").status_code == 404


def test_another_councils_qa_officer_cannot_read_it(pw, obs, login):
    outsider = make_user("qa_officer", pw.w.c, email="qa.c@example.test")
    db.session.commit()
    assert login(outsider).get(f"/practice_week/observations/{obs.id}").status_code == 404


def test_signed_out_people_are_refused(pw, obs, client):
    assert client.get(f"/practice_week/observations/{obs.id}").status_code in (302, 401)
