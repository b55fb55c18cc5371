"""Report pages: choosing a report, who may see which, and plugin sections coming and going."""

from __future__ import annotations

import pytest
from flask import url_for

from core.extensions import db
from core.reports.models import ReportSetting
from tests.fixtures.plugins.example.views import Note
from tests.support.factories import make_user
from tests.support.reports import QUARTER, add_grade, canary_case

START, END = (d.isoformat() for d in QUARTER)


def report_url(partnership, agency=None, team=None):
    args = {"agency": agency.id if agency else None, "team": team.id if team else None}
    return url_for("reports.show", partnership_id=partnership.id, period="quarterly",
                   start=START, end=END, _external=False,
                   **{k: v for k, v in args.items() if v})


def choose(client, **fields):
    query = {"place": "", "period": "quarterly", "start": ["", "", ""], "end": ["", "", ""]}
    query.update(fields)
    return client.get(url_for("reports.index"), query_string=query)


def test_choosing_a_quarter_opens_the_report_for_the_whole_quarter(world, login):
    client = login(world.coordinator)

    response = choose(client, place=f"p{world.p1.id}", start=["12", "5", "2025"])

    assert response.status_code == 302
    assert response.location == report_url(world.p1)


def test_a_custom_period_and_a_team_keep_the_dates_given(world, login):
    client = login(world.coordinator)

    response = choose(client, place=f"p{world.p1.id}-a{world.a.id}-t{world.team_a.id}",
                      period="custom", start=["3", "2", "2025"], end=["9", "3", "2025"])

    path, query = response.location.split("?")
    assert path == f"/reports/{world.p1.id}"
    assert sorted(query.split("&")) == sorted([
        f"agency={world.a.id}", f"team={world.team_a.id}", "period=custom",
        "start=2025-02-03", "end=2025-03-09"])


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"start": ["31", "2", "2025"]}, "start", "Start date must be a real date"),
    ({"start": ["", "2", "2025"]}, "start", "Start date must include a day, month and year"),
    ({"start": ["", "", ""]}, "start", "Enter the start date"),
    ({"period": "custom", "start": ["1", "2", "2025"]}, "end",
     "Enter the end date for custom dates"),
    ({"period": "custom", "start": ["1", "2", "2025"], "end": ["1", "1", "2025"]}, "end",
     "End date must be the same as or after the start date"),
])
def test_a_bad_date_is_reported_on_its_field(world, login, fields, field, message):
    client = login(world.coordinator)

    response = choose(client, place=f"p{world.p1.id}", **fields)

    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert f'href="#{field}">{message}' in response.text
    assert f'id="{field}-error"' in response.text


def test_a_place_the_person_cannot_see_is_refused_on_the_field(world, login):
    client = login(world.coordinator)

    response = choose(client, place=f"p{world.p2.id}", start=["1", "5", "2025"])

    assert 'href="#place">Select the report you want from the list' in response.text
    assert "Southmere" not in response.text


def test_the_chooser_offers_only_the_places_the_person_may_see(world, login):
    page = login(world.tm_a).get(url_for("reports.index")).text

    assert f'value="p{world.p1.id}-a{world.a.id}"' in page
    assert f'value="p{world.p1.id}-a{world.a.id}-t{world.team_a.id}"' in page
    assert f'value="p{world.p1.id}"' not in page  # not the whole partnership
    assert world.b.name not in page and world.c.name not in page


@pytest.mark.parametrize(("who", "where", "status"), [
    ("coordinator", "p1", 200), ("coordinator", "a", 200), ("coordinator", "p2", 404),
    ("tm_a", "a", 200), ("tm_a", "team_a", 200), ("tm_a", "p1", 404), ("tm_a", "b", 404),
    ("tm_b", "a", 404), ("tm_c", "p1", 404), ("admin", "p2", 200), ("practitioner_a", "a", 403),
])
def test_reports_are_scoped_to_what_the_person_may_see(world, login, who, where, status):
    places = {"p1": (world.p1,), "p2": (world.p2,), "a": (world.p1, world.a),
              "b": (world.p1, world.b), "team_a": (world.p1, world.a, world.team_a)}

    response = login(getattr(world, who)).get(report_url(*places[where]))

    assert response.status_code == status


def test_a_team_must_belong_to_the_agency_named(world, login):
    client = login(world.coordinator)

    assert client.get(report_url(world.p1, world.a, world.team_b)).status_code == 404
    assert client.get(report_url(world.p1, world.c)).status_code == 404


def test_the_report_shows_every_section_with_charts_and_tables(world, login):
    here = canary_case(world)
    add_grade(here, 1, "file_review", "good")
    add_grade(here, 1, "file_review", "inadequate", domain="B")
    db.session.commit()

    page = login(world.coordinator).get(report_url(world.p1)).text

    for title in ("Completion against allocation", "Grade mix", "Moderation", "Actions",
                  "Themes"):
        assert f">{title}</h2>" in page
    assert "OFFICIAL-SENSITIVE" in page
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page and "<desc" in page
    assert '<caption class="govuk-table__caption govuk-table__caption--s">Grades at file ' \
           'review, overall and by domain</caption>' in page
    assert "Domain B: 100.0% of grades were inadequate." in page
    assert "ZZCANARY" not in page and here.code not in page


def test_the_report_defaults_to_the_current_quarter_and_refuses_a_bad_period(world, login):
    client = login(world.coordinator)
    base = url_for("reports.show", partnership_id=world.p1.id)

    assert client.get(base).status_code == 200
    assert client.get(base, query_string={"period": "weekly", "start": START,
                                          "end": END}).status_code == 400
    assert client.get(base, query_string={"period": "custom", "start": END,
                                          "end": START}).status_code == 400


def add_note(agency, text="Supervision was not recorded"):
    db.session.add(Note(agency_id=agency.id, text=text))
    db.session.commit()


def test_hook_qa_report_sections_puts_the_example_section_and_findings_in_the_report(world, login):
    add_note(world.a)
    add_note(world.a)

    page = login(world.tm_a).get(report_url(world.p1, world.a)).text

    assert ">Example notes</h2>" in page
    assert "2 notes were written in Northbrook Council (Northbrook)." in page
    # the themes section groups the plugin's finding under its theme, naming the section
    themes = page[page.index(">Themes</h2>"):]
    assert "Management oversight" in themes
    assert "2 notes ask for closer supervision. (Example notes)" in themes


@pytest.mark.plugins()
def test_a_disabled_plugin_contributes_no_section(world, login):
    add_note(world.a)

    page = login(world.tm_a).get(report_url(world.p1, world.a)).text

    assert ">Grade mix</h2>" in page
    assert "Example notes" not in page and "closer supervision" not in page


def test_the_coordinator_sets_the_partnerships_completion_target(world, login):
    client = login(world.coordinator)
    url = url_for("reports.settings", partnership_id=world.p1.id)
    assert 'value="80"' in client.get(url).text

    response = client.post(url, data={"version": "", "completion_target": "65",
                                      "grade_stage": "after_conversation"})

    assert response.status_code == 302
    saved = db.session.get(ReportSetting, world.p1.id)
    assert (saved.completion_target, saved.grade_stage) == (65, "after_conversation")


@pytest.mark.parametrize(("target", "message"), [
    ("", "Enter the completion target"), ("abc", "whole number from 1 to 100"),
    ("101", "whole number from 1 to 100")])
def test_a_bad_target_is_reported_on_its_field(world, login, target, message):
    client = login(world.coordinator)

    response = client.post(url_for("reports.settings", partnership_id=world.p1.id),
                           data={"version": "", "completion_target": target,
                                 "grade_stage": "file_review"})

    assert response.status_code == 200
    assert 'href="#completion_target"' in response.text and message in response.text
    assert db.session.get(ReportSetting, world.p1.id) is None


def test_a_stale_settings_save_is_refused_and_the_newer_values_kept(world, login):
    db.session.add(ReportSetting(partnership_id=world.p1.id, completion_target=70,
                                 grade_stage="file_review"))
    db.session.commit()
    client = login(world.coordinator)

    response = client.post(url_for("reports.settings", partnership_id=world.p1.id),
                           data={"version": "", "completion_target": "90",
                                 "grade_stage": "file_review"})

    assert "Someone else saved these settings while you were editing (target 70%" \
        in response.text
    assert 'name="version" value="1"' in response.text
    assert 'value="90"' in response.text  # what this person typed is still there
    db.session.expire_all()
    assert db.session.get(ReportSetting, world.p1.id).completion_target == 70


def test_settings_are_only_for_those_who_manage_the_partnerships_reports(world, login):
    url = url_for("reports.settings", partnership_id=world.p1.id)

    other = make_user("partnership_coordinator", world.p2)
    db.session.commit()

    assert login(world.tm_a).get(url).status_code == 403
    assert login(other).get(url).status_code == 404
