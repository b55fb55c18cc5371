"""Changing a draft tool's domain with form fields: copy, change, publish; errors on fields."""

import html
import json

import pytest
from sqlalchemy import select

from core.extensions import db
from core.tools.domain_form import apply_domain_form, domain_values
from core.tools.models import ToolVersion
from core.tools.registry import get_tool

SHOW = "/tools/core.key_areas/1"
DRAFT = "/tools/core.key_areas/2"
EDIT = f"{DRAFT}/domains/1/edit"


def draft_row() -> ToolVersion:
    db.session.expire_all()
    return db.session.scalar(select(ToolVersion).filter_by(key="core.key_areas", version=2))


@pytest.fixture
def manager(login, world):
    """The coordinator (who manages tools) with a draft copy of the key areas tool."""
    client = login(world.coordinator)
    client.post(f"{SHOW}/copy")
    return client


def form(**changes: str) -> dict[str, str]:
    """What the domain form holds when opened on domain 1 of the draft, with changes."""
    domain = json.loads(draft_row().definition)["domains"][0]
    return {**domain_values(domain), "lock_version": str(draft_row().lock_version), **changes}


def test_a_manager_copies_changes_a_domain_and_publishes_a_new_version(manager, world):
    show = manager.get(DRAFT).text
    assert f'href="{EDIT}"' in show  # each domain of a draft has a Change link
    page = html.unescape(manager.get(EDIT).text)
    assert "Help, protection and stability" in page and "Was drift or delay challenged?" in page

    data = form(title="Help, protection and permanence",
                descriptors_good="Help arrived quickly.\n\nPlans were reviewed.",
                q5_remove="yes", new_code="1.9", new_text="Who did the child live with?",
                new_type="choice", new_choices="Parents\nKinship carers\nFoster carers",
                new_required="yes")
    del data["q0_required"]  # unticked: question 1.1 becomes optional
    saved = manager.post(EDIT, data=data)

    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"{DRAFT}#domain-1")
    manager.post(f"{DRAFT}/publish")
    tool = get_tool("core.key_areas")
    domain = tool.domain("1")
    assert (tool.version, domain.title) == (2, "Help, protection and permanence")
    assert domain.descriptors.good == ("Help arrived quickly.", "Plans were reviewed.")
    assert [q.code for q in domain.questions] == ["1.1", "1.2", "1.3", "1.4", "1.5", "1.9"]
    assert domain.questions[0].required is False
    assert domain.questions[-1].choices == ("Parents", "Kinship carers", "Foster carers")
    old = get_tool("core.key_areas", 1).domain("1")  # audits started on 1 keep it
    assert old.title == "Help, protection and stability" and len(old.questions) == 6


def test_problems_are_shown_on_their_fields_and_nothing_is_saved(manager):
    before = draft_row().definition
    response = manager.post(EDIT, data=form(
        title="", descriptors_inadequate=" \n ", q1_text="", new_code="1.9",
        new_text="A typed question", new_type="text"))

    assert response.status_code == 400
    page = response.text
    for name in ("title", "descriptors_inadequate", "q1_text"):
        assert f'id="{name}-error"' in page, name
        assert f'href="#{name}"' in page  # the error summary links to the field
    assert "Enter this, in no more than 200 characters." in page  # the empty title
    assert "Enter this: it cannot be empty." in page  # no statements for inadequate
    assert "A typed question" in page  # what was typed stays in the form
    assert draft_row().definition == before


def test_a_new_question_code_already_in_the_tool_is_refused_on_its_field(manager):
    before = draft_row().definition
    page = html.unescape(manager.post(EDIT, data=form(
        new_code="3.2", new_text="A repeated code", new_type="text")).text)
    assert 'id="new_code-error"' in page and "'3.2' is already a question" in page
    assert "used twice" not in page  # said once, on the field
    assert draft_row().definition == before


def test_a_new_choice_question_needs_two_choices_and_a_type(manager):
    page = manager.post(EDIT, data=form(new_code="1.9", new_text="Where?", new_type="choice",
                                        new_choices="Home")).text
    assert 'id="new_choices-error"' in page and "at least two choices" in page
    page = manager.post(EDIT, data=form(new_code="1.9", new_text="Where?")).text
    assert 'id="new_type-error"' in page and "Choose one of the options." in page


def test_removing_every_question_is_refused(manager):
    data = form(**{f"q{j}_remove": "yes" for j in range(6)})
    response = manager.post(EDIT, data=data)
    assert response.status_code == 400 and "at least one question" in response.text


def test_a_stale_domain_save_is_refused_and_the_typing_kept(manager):
    opened = form(title="First person's title")
    assert manager.post(EDIT, data=opened).status_code == 302
    second = {**opened, "title": "Second person's title"}  # the lock version seen before
    page = html.unescape(manager.post(EDIT, data=second).text)
    assert "Someone else saved this draft" in page and "Second person's title" in page
    assert json.loads(draft_row().definition)["domains"][0]["title"] == "First person's title"


def test_only_a_draft_domain_can_be_changed_and_only_by_tool_managers(manager, login, world):
    assert manager.get(f"{SHOW}/domains/1/edit").headers["Location"].endswith(SHOW)
    assert manager.post(f"{SHOW}/domains/1/edit", data={"title": "x"}).status_code == 302
    assert get_tool("core.key_areas", 1).domain("1").title == "Help, protection and stability"
    assert manager.get(f"{DRAFT}/domains/99/edit").status_code == 404
    assert login(world.tm_a).get(EDIT).status_code == 403


def test_the_form_changes_only_its_own_domain():
    tool = json.loads(json.dumps({
        "key": "core.t", "version": 1, "title": "T", "domains": [
            {"code": code, "title": code, "questions": [
                {"code": f"{code}1", "text": "Q", "type": "grade"}],
             "descriptors": {g: ["s"] for g in ("outstanding", "good", "requires_improvement",
                                                "inadequate")}}
            for code in ("A", "B")]}))
    values = domain_values(tool["domains"][1])
    result = apply_domain_form(tool, 1, {**values, "title": "Changed"})
    assert result.errors == {}
    assert [d["title"] for d in result.definition["domains"]] == ["A", "Changed"]


def _new_domain(**changes: str) -> dict[str, str]:
    return {"lock_version": str(draft_row().lock_version), "code": "9",
            "title": "Education and health", "grading": "grade",
            "descriptors_outstanding": "Exceptional.", "descriptors_good": "Needs met.",
            "descriptors_requires_improvement": "Some gaps.",
            "descriptors_inadequate": "Needs unmet.", "new_code": "9.1",
            "new_text": "Is there an up-to-date education plan?", "new_type": "yes_no_partly",
            "new_required": "yes", **changes}


def test_a_manager_adds_a_domain_and_removes_another(manager):
    assert "Add a domain" in manager.get(DRAFT).text
    assert manager.post(f"{DRAFT}/domains/new", data=_new_domain()).status_code == 302
    lock = str(draft_row().lock_version)
    assert manager.post(f"{DRAFT}/domains/7/remove",
                        data={"lock_version": lock}).status_code == 302
    manager.post(f"{DRAFT}/publish")
    tool = get_tool("core.key_areas")
    assert [d.code for d in tool.domains] == ["1", "2", "3", "4", "5", "6", "8", "9"]
    assert tool.domain("9").questions[0].text == "Is there an up-to-date education plan?"
    assert len(get_tool("core.key_areas", 1).domains) == 8


def test_a_new_domain_needs_a_free_code_descriptors_and_a_question(manager):
    before = draft_row().definition
    page = html.unescape(manager.post(f"{DRAFT}/domains/new", data=_new_domain(
        code="3", new_code="9.1")).text)
    assert 'id="code-error"' in page and "'3' is used twice" in page
    response = manager.post(f"{DRAFT}/domains/new", data=_new_domain(
        descriptors_good="", new_code="", new_text=""))
    assert response.status_code == 400
    assert 'id="descriptors_good-error"' in response.text
    assert "at least one question" in response.text
    assert draft_row().definition == before


def test_a_stale_removal_is_refused(manager):
    stale = str(draft_row().lock_version)
    manager.post(EDIT, data=form(title="Changed first"))
    manager.post(f"{DRAFT}/domains/2/remove", data={"lock_version": stale})
    assert len(json.loads(draft_row().definition)["domains"]) == 8


def test_the_title_and_overall_rule_change_and_limiting_can_be_switched_off(manager):
    page = manager.get(f"{DRAFT}/details").text
    assert "Eight key areas case file audit" in page
    response = manager.post(f"{DRAFT}/details", data={
        "lock_version": str(draft_row().lock_version), "title": "Key areas 2027",
        "description": "Revised", "overall_rule": "mode"})
    assert response.status_code == 302
    draft = draft_row()
    data = json.loads(draft.definition)
    assert (draft.title, data["overall_rule"], data["limiting"]) == ("Key areas 2027", "mode",
                                                                     False)
    response = manager.post(f"{DRAFT}/details", data={
        "lock_version": str(draft.lock_version), "title": "", "overall_rule": "nonsense"})
    assert response.status_code == 400
    assert 'id="title-error"' in response.text and 'id="overall_rule-error"' in response.text
    assert draft_row().title == "Key areas 2027"


def test_the_limiting_judgement_rule_always_limits(manager):
    manager.post(f"{DRAFT}/details", data={
        "lock_version": str(draft_row().lock_version), "title": "T",
        "overall_rule": "limiting_judgement"})
    assert json.loads(draft_row().definition)["limiting"] is True
