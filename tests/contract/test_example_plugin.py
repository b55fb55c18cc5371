"""The example plugin's contributions appear when it is enabled and vanish when it is not."""

import pytest

from core.extensions import db
from tests.fixtures.plugins.example.views import Note


@pytest.fixture
def notes(world):
    mine = Note(agency_id=world.a.id, text="Note for Northbrook Council")
    theirs = Note(agency_id=world.c.id, text="Note for Southmere Council")
    db.session.add_all([mine, theirs])
    db.session.commit()
    return mine, theirs


@pytest.mark.plugins("example")
def test_enabled_example_shows_its_page_menu_and_dashboard_card(login, world, notes):
    client = login(world.tm_a)
    page = client.get("/example/")
    assert page.status_code == 200
    assert "Note for Northbrook Council" in page.text
    home = client.get("/").text
    assert "Example notes" in home  # the menu item and the dashboard card
    assert 'href="/example/"' in home


@pytest.mark.plugins("example")
def test_the_example_list_and_detail_are_scoped_to_the_users_agency(login, world, notes):
    mine, theirs = notes
    client = login(world.tm_a)
    assert "Southmere" not in client.get("/example/").text
    assert client.get(f"/example/{mine.id}").status_code == 200
    assert client.get(f"/example/{theirs.id}").status_code == 404


@pytest.mark.plugins("example")
def test_a_role_without_the_permission_is_refused(login, world, notes):
    client = login(world.hos_a)
    assert client.get("/example/").status_code == 403
    assert "Example notes" not in client.get("/").text


@pytest.mark.plugins("example")
def test_enabled_example_declares_permissions_jobs_schedules_and_commands(app):
    assert app.extensions["permissions"].owner["example.view"] == "example"
    assert "example.count_notes" in app.extensions["job_types"]
    assert [s.name for k, s in app.extensions["schedules"] if k == "example"] == ["example.nightly"]
    result = app.test_cli_runner().invoke(args=["example-hello"])
    assert result.output.strip() == "hello from example"


@pytest.mark.plugins()
def test_disabled_example_leaves_no_route_menu_permission_job_or_command(app, login, world):
    client = login(world.tm_a)
    assert client.get("/example/").status_code == 404
    assert "Example notes" not in client.get("/").text
    assert "example.view" not in app.extensions["permissions"].permissions
    assert "example.count_notes" not in app.extensions["job_types"]
    assert "example-hello" not in app.cli.commands


@pytest.mark.plugins("example")
def test_flask_plugins_list_shows_key_version_state_and_contributions(app):
    output = app.test_cli_runner().invoke(args=["plugins", "list"]).output
    assert "example  1.2.3  enabled  Example activity" in output
    assert "permissions: example.view, example.edit" in output
    assert "blueprints: example" in output
    assert "job_types: example.count_notes" in output
    assert "tables: example_note" in output


@pytest.mark.plugins()
def test_flask_plugins_list_shows_an_installed_but_disabled_plugin(app):
    output = app.test_cli_runner().invoke(args=["plugins", "list"]).output
    assert "example  1.2.3  disabled  Example activity" in output
