"""One rule decides access: roles grant permissions, memberships set how far they reach."""

import pytest
from flask import Flask

from core.app import check_route_permissions
from core.extensions import db
from core.identity.access import can, permission_required, requires_mfa, scoped
from core.identity.models import Agency, Team, User
from core.plugins import PluginError


def names(query):
    return sorted(o.name for o in db.session.scalars(query))


def test_an_agency_role_reaches_only_its_own_agency(world):
    assert names(scoped(Agency, "admin.agencies.view", world.hos_a)) == ["Northbrook Council"]
    assert can("admin.agencies.view", world.a, user=world.hos_a)
    assert not can("admin.agencies.view", world.b, user=world.hos_a)


def test_a_coordinator_reaches_every_agency_of_their_partnership_and_no_other(world):
    assert names(scoped(Agency, "admin.agencies.view", world.coordinator)) == [
        "Northbrook Council", "Northbrook Police"]
    assert not can("admin.agencies.view", world.c, user=world.coordinator)
    assert names(scoped(Team, "admin.agencies.view", world.coordinator)) == [
        "Assessment", "Public protection"]


def test_a_platform_admin_reaches_everything(world):
    assert len(names(scoped(Agency, "admin.agencies.view", world.admin))) == 3


def test_people_are_visible_through_the_agencies_they_belong_to(world):
    visible = {u.email for u in db.session.scalars(scoped(User, "admin.people.view", world.hos_a))}
    assert {"tm.a@example.test", "sw.a@example.test", "hos.a@example.test"} <= visible
    assert "tm.c@example.test" not in visible and "tm.b@example.test" not in visible


def test_a_role_without_the_permission_reaches_nothing(world):
    assert names(scoped(Agency, "admin.agencies.view", world.practitioner_a)) == []
    assert not can("admin.agencies.view", user=world.practitioner_a)


def test_an_undeclared_permission_is_a_programming_error(world):
    with pytest.raises(KeyError, match=r"Undeclared permission 'admin.nonsense'"):
        can("admin.nonsense", user=world.admin)


def test_mfa_is_required_for_holders_of_sensitive_permissions_only(app, world):
    assert requires_mfa(world.coordinator) and requires_mfa(world.admin)
    assert not requires_mfa(world.tm_a)
    app.config["MFA_REQUIRED_FOR_ALL"] = True
    assert requires_mfa(world.tm_a)


def test_start_up_refuses_a_view_that_needs_an_undeclared_permission(app):
    probe = Flask("probe")
    probe.extensions["permissions"] = app.extensions["permissions"]
    probe.add_url_rule("/x", "core.x", permission_required("core.made_up")(lambda: "x"))
    with pytest.raises(PluginError, match=r"needs undeclared 'core.made_up'"):
        check_route_permissions(probe)
