"""The /tools pages: who may see and change tools; copy, edit with errors, publish."""

import html
import json

from sqlalchemy import select

from core.extensions import db
from core.tools.models import ToolVersion
from core.tools.registry import get_tool
from tests.support.factories import login_as, make_user

SHOW = "/tools/core.key_areas/1"


def row(key, version):
    db.session.expire_all()
    return db.session.scalar(select(ToolVersion).filter_by(key=key, version=version))


def test_the_tool_pages_send_visitors_who_are_not_signed_in_to_sign_in(make_app):
    client = make_app().test_client()
    for url in ("/tools/", SHOW, f"{SHOW}/edit"):
        assert "/sign-in" in client.get(url).headers["Location"]


def test_the_tool_pages_need_the_view_permission(login, world):
    client = login(world.practitioner_a)
    assert client.get("/tools/").status_code == 403
    assert client.get(SHOW).status_code == 403


def test_a_leader_sees_every_tool_with_its_versions(login, world):
    page = login(world.tm_a).get("/tools/").text
    for title in ("Practice standards case review (A to L)", "Eight key areas case file audit",
                  "Collaborative case audit (scaled 0 to 10)", "Example note review"):
        assert title in page
    assert 'href="/tools/core.key_areas/1"' in page
    assert "Audit tools" in page  # the navigation entry


def test_a_version_shows_domains_descriptors_and_questions_as_summary_cards(login, world):
    page = html.unescape(login(world.tm_a).get(SHOW).text)
    assert page.count('class="govuk-summary-card"') == 8
    assert "1. Help, protection and stability" in page
    assert "What requires improvement looks like" in page
    assert "Is there a three-generation genogram?" in page
    assert "Family declined" in page  # a choice question's choices
    assert "limited by any inadequate domain" in page
    assert "Copy to a new draft" not in page  # a leader may look but not change


def test_only_tool_managers_may_copy_edit_or_publish(login, world):
    client = login(world.tm_a)
    assert client.post(f"{SHOW}/copy").status_code == 403
    assert client.get(f"{SHOW}/edit").status_code == 403
    assert client.post(f"{SHOW}/publish").status_code == 403
    assert row("core.key_areas", 2) is None


def test_copy_to_a_new_draft_makes_the_next_version(login, world):
    client = login(world.coordinator)
    assert "Copy to a new draft" in client.get(SHOW).text
    response = client.post(f"{SHOW}/copy")
    assert response.headers["Location"].endswith("/tools/core.key_areas/2")
    draft = row("core.key_areas", 2)
    assert (draft.status, draft.source, draft.created_by_id) == (
        "draft", "edited", world.coordinator.id)
    assert json.loads(draft.definition)["version"] == 2
    again = client.post(f"{SHOW}/copy")
    assert again.headers["Location"].endswith("/tools/core.key_areas/2")
    assert row("core.key_areas", 3) is None


def test_a_bad_definition_shows_the_path_and_keeps_what_was_typed(login, world):
    client = login(world.coordinator)
    client.post(f"{SHOW}/copy")
    draft = row("core.key_areas", 2)
    before = draft.definition
    data = json.loads(before)
    data["domains"][3]["questions"][1]["type"] = "stars"
    typed = json.dumps(data, indent=1) + "\n  // my unsaved note"
    response = client.post("/tools/core.key_areas/2/edit",
                            data={"definition": typed, "lock_version": draft.lock_version})
    page = html.unescape(response.text)
    assert response.status_code == 200
    assert "There is a problem" in page and "<title>Error: " in page
    assert "not valid JSON (line" in page  # the stray comment makes it invalid JSON
    assert typed in page
    assert row("core.key_areas", 2).definition == before


def test_a_definition_error_names_its_path_in_the_error_summary(login, world):
    client = login(world.coordinator)
    client.post(f"{SHOW}/copy")
    draft = row("core.key_areas", 2)
    data = json.loads(draft.definition)
    data["domains"][3]["questions"][1]["type"] = "stars"
    typed = json.dumps(data, indent=2)
    page = html.unescape(client.post("/tools/core.key_areas/2/edit", data={
        "definition": typed, "lock_version": draft.lock_version}).text)
    assert 'href="#definition">domains[3].questions[1].type: Must be one of:' in page
    assert typed in page


def test_an_empty_definition_is_asked_for(login, world):
    client = login(world.coordinator)
    client.post(f"{SHOW}/copy")
    page = client.post("/tools/core.key_areas/2/edit", data={"definition": "",
                                                           "lock_version": "1"}).text
    assert "Enter the tool definition" in page


def test_a_stale_save_is_refused_and_the_text_is_kept(login, world):
    client = login(world.coordinator)
    client.post(f"{SHOW}/copy")
    draft = row("core.key_areas", 2)
    data, opened = json.loads(draft.definition), draft.lock_version
    data["title"] = "First person's change"
    client.post("/tools/core.key_areas/2/edit",
                data={"definition": json.dumps(data), "lock_version": opened})
    data["title"] = "Second person's change"
    typed = json.dumps(data)
    page = html.unescape(client.post("/tools/core.key_areas/2/edit", data={
        "definition": typed, "lock_version": opened}).text)
    assert "Someone else saved this draft" in page and typed in page
    assert row("core.key_areas", 2).title == "First person's change"


def test_saving_and_publishing_a_draft_makes_it_the_latest_version(login, world):
    client = login(world.coordinator)
    client.post(f"{SHOW}/copy")
    draft = row("core.key_areas", 2)
    data = json.loads(draft.definition)
    data["title"] = "Eight key areas, 2027 edition"
    saved = client.post("/tools/core.key_areas/2/edit", data={
        "definition": json.dumps(data), "lock_version": draft.lock_version})
    assert saved.headers["Location"].endswith("/tools/core.key_areas/2")
    assert "Publish version 2" in client.get("/tools/core.key_areas/2").text
    client.post("/tools/core.key_areas/2/publish")
    published = row("core.key_areas", 2)
    assert (published.status, published.title) == ("published", "Eight key areas, 2027 edition")
    assert published.published_at is not None
    assert published.published_by_id == world.coordinator.id
    assert get_tool("core.key_areas").version == 2
    assert get_tool("core.key_areas", 1).title == "Eight key areas case file audit"


def test_a_published_version_cannot_be_edited(login, world):
    client = login(world.coordinator)
    response = client.get(f"{SHOW}/edit")
    assert response.headers["Location"].endswith(SHOW)
    response = client.post(f"{SHOW}/edit", data={"definition": "{}", "lock_version": "1"})
    assert response.status_code == 302
    assert json.loads(row("core.key_areas", 1).definition)["title"] != ""


def test_an_unknown_tool_or_version_is_not_found(login, world):
    client = login(world.coordinator)
    assert client.get("/tools/core.nothing/1").status_code == 404
    assert client.get("/tools/core.key_areas/9").status_code == 404
    assert client.post("/tools/core.key_areas/9/copy").status_code == 404


def test_changing_a_tool_needs_the_form_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    with app.app_context():
        login_as(client, make_user("platform_admin"))
    assert client.post(f"{SHOW}/copy").status_code == 400
    with app.app_context():
        assert row("core.key_areas", 2) is None
