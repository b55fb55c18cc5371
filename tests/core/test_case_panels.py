"""Activities see each other's work on a case: hooks qa_case_panels and qa_on_family_feedback."""

from __future__ import annotations

from datetime import date

import pytest
from flask import render_template_string

from core.cases.service import register_case
from core.extensions import db
from core.toolkit import case_panels, share_family_feedback
from tests.fixtures.plugins.example import plugin as example
from tests.fixtures.plugins.example.views import Note

pytestmark = pytest.mark.plugins("example")


@pytest.fixture
def case(world):
    found = register_case(world.p1, world.a, {"name": "ZZCANARY-NAME", "date_of_birth":
                                              "2014-02-02", "record_id": "ZZREF-0042"},
                          {"cohort": "child_in_need", "team_id": world.team_a.id}, None)
    db.session.add(Note(agency_id=world.a.id, text="Seen at home <b>twice</b>",
                        case_id=found.code))
    db.session.commit()
    return found


def test_qa_case_panels_offers_other_plugins_panels_to_those_who_may_see_them(app, world, case):
    [panel] = case_panels(case, asking="single_agency", user=world.tm_a)
    assert panel.key == "example.notes"
    assert [i.text for i in panel.items] == ["Seen at home <b>twice</b>"]
    assert [a.text for a in panel.actions] == ["See all notes"]  # the absolute link is dropped
    assert case_panels(case, asking="single_agency", user=world.tm_b) == []  # other agency
    assert case_panels(case, asking="single_agency", user=world.practitioner_a) != []
    assert case_panels(case, asking="single_agency", user=world.coordinator) == []  # no view


def test_a_plugin_is_not_asked_about_its_own_page(app, world, case):
    assert case_panels(case, asking="example", user=world.tm_a) == []


def test_panels_render_escaped_with_the_core_macro(app, world, case):
    panels = case_panels(case, asking="single_agency", user=world.tm_a)
    with app.test_request_context():
        html = render_template_string(
            '{% from "macros/case_panels.html" import case_panels %}{{ case_panels(panels) }}',
            panels=panels)
    assert "Seen at home &lt;b&gt;twice&lt;/b&gt;" in html
    assert 'href="/example/"' in html and "elsewhere.example" not in html


def test_qa_on_family_feedback_tells_every_plugin_about_a_shared_call(app, world, case):
    example.FAMILY_FEEDBACK.clear()
    share_family_feedback(case, activity="single_agency", reference="SA-1/1",
                          with_whom="parent_carer", outcome="declined",
                          contacted_on=date(2026, 3, 2), recorded_by=world.tm_a)
    assert [(case.code, "single_agency", "SA-1/1", "declined")] == example.FAMILY_FEEDBACK


@pytest.mark.parametrize(("change", "field"), [
    ({"outcome": "maybe"}, "outcome"), ({"with_whom": "neighbour"}, "with_whom"),
    ({"reference": ""}, "reference"), ({"contacted_on": "2026-03-02"}, "contacted_on"),
    ({"activity": ""}, "activity"),
])
def test_a_shared_call_with_a_wrong_value_is_refused_naming_the_field(app, world, case, change,
                                                                      field):
    values = {"activity": "single_agency", "reference": "SA-1/1", "with_whom": "child",
              "outcome": "spoke", "contacted_on": date(2026, 3, 2), **change}
    with pytest.raises(ValueError, match=f"^{field}:"):
        share_family_feedback(case, **values)
