"""Tool versions in the database: start-up sync, get_tool, pinning, and copy/edit/publish."""

import json

import pytest
from sqlalchemy import select

from core.extensions import db
from core.tools.editing import copy_to_draft, publish, save_draft
from core.tools.loader import ToolDefinitionError
from core.tools.models import ToolVersion
from core.tools.registry import ToolNotFound, get_tool, visible_versions
from tests.core.tools.support import build, definition, write


def rows(key):
    return list(db.session.scalars(
        select(ToolVersion).filter_by(key=key).order_by(ToolVersion.version)))


@pytest.mark.plugins("example")
def test_hook_qa_register_tools_publishes_the_plugins_tool_at_start_up(app):
    tool = get_tool("example.note_review")
    assert (tool.version, tool.title) == (1, "Example note review")
    (row,) = rows("example.note_review")
    assert (row.source, row.status, row.origin) == (
        "file", "published", "example_tool.yaml (example)")
    assert row.published_at is not None


def test_the_library_tools_are_published_for_every_deployment(app):
    for key in ("core.practice_standards", "core.key_areas", "core.collaborative_audit"):
        assert get_tool(key).version == 1


def test_a_bad_tool_file_stops_start_up_naming_the_plugin_file_and_path(make_app, tmp_path):
    data = definition()
    data["domains"][0]["questions"][0]["type"] = "stars"
    path = write(tmp_path, "bad.yaml", data)
    with pytest.raises(ToolDefinitionError) as caught:
        build(make_app, path)
    message = str(caught.value)
    assert "Plugin 'toolfile'" in message and str(path) in message
    assert "domains[0].questions[0].type: Must be one of:" in message


def test_the_same_key_and_version_from_two_files_stops_start_up_naming_both(make_app, tmp_path):
    one, two = write(tmp_path, "one.yaml", definition()), write(tmp_path, "two.yaml", definition())
    with pytest.raises(ToolDefinitionError) as caught:
        build(make_app, one, two)
    assert str(one) in str(caught.value) and str(two) in str(caught.value)


def test_starting_again_with_unchanged_files_changes_nothing(make_app, tmp_path):
    path = write(tmp_path, "tool.yaml", definition())
    def snapshot():
        every = db.session.scalars(select(ToolVersion).order_by(ToolVersion.id))
        return [(r.id, r.key, r.version, r.definition, r.published_at) for r in every]

    with build(make_app, path).app_context():
        before = snapshot()
    with build(make_app, path).app_context():
        after = snapshot()
    assert before == after
    assert [r[1:3] for r in after if r[1] == "toolfile.check"] == [("toolfile.check", 1)]


def test_a_changed_file_that_keeps_its_version_stops_start_up(make_app, tmp_path):
    path = write(tmp_path, "tool.yaml", definition())
    build(make_app, path)
    write(tmp_path, "tool.yaml", definition(title="Check, reworded"))
    with pytest.raises(ToolDefinitionError) as caught:
        build(make_app, path)
    message = str(caught.value)
    assert str(path) in message and "bump the version" in message


def test_a_reformatted_file_with_the_same_content_is_not_a_change(make_app, tmp_path):
    path = write(tmp_path, "tool.yaml", definition())
    build(make_app, path)
    json_path = write(tmp_path, "tool.json", definition())
    path.unlink()
    with build(make_app, json_path).app_context():
        assert len(rows("toolfile.check")) == 1


def test_a_new_file_version_becomes_the_latest_and_the_old_one_stays(make_app, tmp_path):
    v1 = write(tmp_path, "v1.yaml", definition())
    v2 = write(tmp_path, "v2.yaml", definition(version=2, title="Check two"))
    with build(make_app, v1, v2).app_context():
        assert get_tool("toolfile.check").title == "Check two"
        assert get_tool("toolfile.check", 1).title == "Check"


def test_get_tool_refuses_an_unknown_tool_and_hands_out_drafts_only_on_request(app, world):
    with pytest.raises(ToolNotFound):
        get_tool("core.nothing")
    draft = copy_to_draft(rows("core.key_areas")[0], world.admin)
    db.session.commit()
    with pytest.raises(ToolNotFound):
        get_tool("core.key_areas", draft.version)
    assert get_tool("core.key_areas", draft.version, include_drafts=True).version == 2


def test_an_audit_pinned_to_version_1_keeps_it_after_version_2_is_published(app, world):
    pinned = get_tool("core.practice_standards")
    draft = copy_to_draft(rows("core.practice_standards")[0], world.coordinator)
    data = json.loads(draft.definition)
    data["title"] = "Practice standards, revised"
    data["domains"] = data["domains"][:8]
    assert save_draft(draft, json.dumps(data), draft.lock_version) == []
    publish(draft, world.coordinator)
    db.session.commit()
    assert get_tool("core.practice_standards").version == 2
    assert len(get_tool("core.practice_standards").domains) == 8
    again = get_tool(pinned.key, pinned.version)
    assert again == pinned and len(again.domains) == 11


def test_a_copy_takes_the_next_number_after_the_highest_version(app, world):
    first = rows("core.key_areas")[0]
    publish(copy_to_draft(first, world.admin), world.admin)
    db.session.commit()
    assert copy_to_draft(first, world.admin).version == 3


def test_a_bad_draft_is_not_saved_and_the_problems_have_paths(app, world):
    draft = copy_to_draft(rows("core.key_areas")[0], world.admin)
    before = draft.definition
    data = json.loads(before)
    data["domains"][2]["questions"][0]["type"] = "stars"
    data["version"] = 7
    problems = save_draft(draft, json.dumps(data), draft.lock_version)
    assert ("domains[2].questions[0].type",
            "Must be one of: grade, score_0_10, yes_no_partly, text, date, choice.") in problems
    assert draft.definition == before
    data["domains"][2]["questions"][0]["type"] = "text"
    assert save_draft(draft, json.dumps(data), draft.lock_version) == [
        ("version", "The version must stay 2.")]
    assert save_draft(draft, "{not json", draft.lock_version)[0][1].startswith(
        "not valid JSON (line 1, column 2)")


def test_a_file_version_that_clashes_with_an_edited_one_stops_start_up(make_app, tmp_path):
    v1 = write(tmp_path, "v1.yaml", definition())
    app = build(make_app, v1)
    with app.app_context():
        copy_to_draft(rows("toolfile.check")[0], None)
        db.session.commit()
    v2 = write(tmp_path, "v2.yaml", definition(version=2))
    with pytest.raises(ToolDefinitionError, match="already made in the admin pages"):
        build(make_app, v1, v2)


def test_a_disabled_plugins_tools_are_not_listed(make_app):
    with make_app(ENABLED_PLUGINS=["example"]).app_context():
        assert "example.note_review" in {r.key for r in visible_versions()}
    with make_app(ENABLED_PLUGINS=[]).app_context():
        assert "example.note_review" not in {r.key for r in visible_versions()}
        assert "core.key_areas" in {r.key for r in visible_versions()}
