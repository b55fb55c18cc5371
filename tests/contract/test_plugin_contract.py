"""The contract every installed plugin (and the example plugin) must keep."""

from __future__ import annotations

import pytest
from flask import Flask

from core.plugins import installed_plugins
from tests.conftest import EXAMPLE
from tests.support.factories import login_as, make_user

PLUGINS = sorted(installed_plugins(EXAMPLE))


def owned_endpoints(app: Flask, key: str) -> list[str]:
    return [e for e in app.view_functions if e.split(".")[0] == key]


def rules_of(app: Flask, key: str):
    return [r for r in app.url_map.iter_rules() if r.endpoint.split(".")[0] == key]



@pytest.mark.parametrize("key", PLUGINS)
def test_the_plugin_loads_alone(make_app, key):
    app = make_app(ENABLED_PLUGINS=[key])
    assert app.extensions["plugins"].keys == ["core", key]


@pytest.mark.parametrize("key", PLUGINS)
def test_the_plugin_loads_with_all_the_others(make_app, key):
    app = make_app(ENABLED_PLUGINS=PLUGINS)
    assert key in app.extensions["plugins"].keys


@pytest.mark.parametrize("key", PLUGINS)
def test_every_route_of_the_plugin_declares_a_permission_and_needs_sign_in(make_app, key):
    app = make_app(ENABLED_PLUGINS=[key])
    client = app.test_client()
    for rule in rules_of(app, key):
        assert getattr(app.view_functions[rule.endpoint], "required_permission", None)
        if "GET" in rule.methods and not rule.arguments:
            response = client.get(rule.rule)
            assert response.status_code == 302, rule.rule
            assert "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize("key", PLUGINS)
def test_the_plugins_pages_render_for_a_platform_admin(make_app, key):
    app = make_app(ENABLED_PLUGINS=[key])
    client = app.test_client()
    with app.app_context():
        login_as(client, make_user("platform_admin"))
    for rule in rules_of(app, key):
        if "GET" in rule.methods and not rule.arguments:
            assert client.get(rule.rule).status_code in (200, 403), rule.rule


@pytest.mark.parametrize("key", PLUGINS)
def test_disabling_the_plugin_removes_every_trace(make_app, key):
    everything = make_app(ENABLED_PLUGINS=PLUGINS)
    without = make_app(ENABLED_PLUGINS=[p for p in PLUGINS if p != key])
    assert owned_endpoints(everything, key) or key not in ("example",)
    assert owned_endpoints(without, key) == []
    assert key not in without.extensions["permissions"].owner.values()
    assert not [n for n in without.extensions["job_types"] if n.startswith(f"{key}.")]
    assert not [s for owner, s in without.extensions["schedules"] if owner == key]
    assert not [c for c in without.cli.commands if c.startswith(key)]
    with without.app_context():
        client = without.test_client()
        login_as(client, make_user("platform_admin"))
        for rule in rules_of(everything, key):
            if "GET" in rule.methods and not rule.arguments:
                assert client.get(rule.rule).status_code == 404, rule.rule
