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
    assert 'id="new_type-error"' in page


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
