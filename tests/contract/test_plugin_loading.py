"""Start-up refuses bad plugin configuration with a message that names the plugin."""

import pytest

from core.app import create_app
from core.plugins import PluginError
from tests.conftest import base_config

BROKEN = "tests.fixtures.plugins.broken."


def build(database_url, enabled, **extra):
    plugins = {name: BROKEN + module for name, module in extra.items()}
    plugins["example"] = "tests.fixtures.plugins.example.plugin"
    return create_app(base_config(database_url, ENABLED_PLUGINS=enabled, EXTRA_PLUGINS=plugins))


def test_an_unknown_plugin_name_stops_start_up_and_names_it(database_url):
    with pytest.raises(PluginError, match=r"Unknown plugin 'sefton_audit' in ENABLED_PLUGINS"):
        build(database_url, ["example", "sefton_audit"])


def test_a_hook_with_a_wrong_signature_stops_start_up_naming_the_plugin(database_url):
    with pytest.raises(PluginError, match=r"(?s)Plugin 'wrong_signature'.*partnership"):
        build(database_url, ["wrong_signature"], wrong_signature="wrong_signature")


def test_a_misspelt_hook_stops_start_up_naming_the_plugin(database_url):
    with pytest.raises(PluginError, match=r"Plugin 'misspelt_hook'.*qa_register_permision"):
        build(database_url, ["misspelt_hook"], misspelt_hook="misspelt_hook")


def test_two_plugins_claiming_the_same_key_stop_start_up(database_url):
    with pytest.raises(PluginError, match=r"'example'.*key must equal the entry-point name"):
        build(database_url, ["impostor"], impostor="wrong_key")


def test_two_plugins_claiming_the_same_permission_stop_start_up_naming_both(database_url):
    with pytest.raises(PluginError, match=r"Plugin 'alpha_beta'.*already claimed by 'alpha'"):
        build(database_url, ["alpha", "alpha_beta"], alpha="alpha", alpha_beta="alpha_beta")


def test_a_plugin_cannot_take_a_key_core_uses(database_url):
    with pytest.raises(PluginError, match=r"Plugin 'admin': the key 'admin' is reserved"):
        build(database_url, ["admin"], admin="reserved")


def test_a_view_without_a_declared_permission_stops_start_up(database_url):
    with pytest.raises(PluginError, match=r"Plugin 'unguarded_view'.*declares no permission"):
        build(database_url, ["unguarded_view"], unguarded_view="unguarded_view")


def test_a_plugin_returning_html_instead_of_data_is_named(database_url):
    app = build(database_url, ["bad_result"], bad_result="bad_result")
    with app.app_context(), pytest.raises(PluginError, match=r"Plugin 'bad_result'.*NavItem"):
        app.extensions["plugins"].contributions("qa_navigation_contributions", user=None)


def test_naming_a_plugin_twice_stops_start_up(database_url):
    with pytest.raises(PluginError, match=r"names a plugin twice"):
        build(database_url, ["example", "example"])


def test_plugins_are_called_in_enable_list_order_after_core(database_url):
    app = build(database_url, ["alpha_beta", "example"], alpha_beta="alpha_beta")
    assert app.extensions["plugins"].keys == ["core", "alpha_beta", "example"]
    owners = [key for key, _ in app.extensions["plugins"].contributions("qa_register_permissions")]
    assert owners.index("alpha_beta") < owners.index("example")
    assert owners[0] == "core"
