"""One test per hook, through the example plugin: what core does with each contribution."""

import pytest

from core.contributions import NavItem
from core.extensions import db
from tests.fixtures.plugins.example import views as example_views
from tests.support.factories import make_user

pytestmark = pytest.mark.plugins("example")


def test_hook_qa_describe_gives_the_plugin_its_key_name_and_version(app):
    example = next(p for p in app.extensions["plugins"].loaded if p.key == "example")
    assert (example.info.name, example.info.version) == ("Example activity", "1.2.3")


def test_hook_qa_register_permissions_grants_default_roles(app):
    registry = app.extensions["permissions"]
    assert registry.roles_with("example.edit") == {"team_manager"}
    assert registry.roles_with("example.view") == {"team_manager", "practitioner"}


def test_hook_qa_register_blueprints_serves_under_the_plugin_prefix(app):
    assert app.url_map.bind("localhost").match("/example/") == ("example.index", {})


def test_hook_qa_register_job_types_makes_the_job_enqueueable_by_name(app):
    job = app.extensions["job_types"]["example.count_notes"]
    assert job.func is __import__(
        "tests.fixtures.plugins.example.jobs", fromlist=["count_notes"]).count_notes


def test_hook_qa_register_scheduled_jobs_adds_a_cron_schedule(app):
    schedules = {s.name: s for key, s in app.extensions["schedules"] if key == "example"}
    assert schedules["example.nightly"].cron == "0 2 * * *"
    assert schedules["example.nightly"].job == "example.count_notes"


def test_hook_qa_register_commands_adds_a_flask_command(app):
    assert "example-hello" in app.cli.commands


def test_hook_qa_navigation_contributions_are_filtered_by_permission(app, world):
    items = app.extensions["plugins"].contributions("qa_navigation_contributions", user=world.tm_a)
    assert ("example", NavItem("Example notes", "example.index", "example.view", order=50)) in items


def test_hook_qa_dashboard_contributions_count_only_what_the_user_may_see(login, world):
    db.session.add_all([example_views.Note(agency_id=world.a.id, text="mine"),
                        example_views.Note(agency_id=world.c.id, text="other partnership")])
    db.session.commit()
    page = login(world.tm_a).get("/").text
    assert "Example notes" in page
    assert ">1<" in page.replace(" ", "").replace("\n", "")


def test_hook_qa_on_user_created_is_fired_inside_the_transaction(app):
    example_views.CREATED.clear()
    user = make_user("practitioner", None, email="new.person@example.test")
    app.extensions["plugins"].fire("qa_on_user_created", user=user)
    db.session.rollback()
    assert example_views.CREATED == ["new.person@example.test"]
