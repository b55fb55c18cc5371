"""The report part of the plugin contract: a plugin's sections render on an empty database,
carry its key, and vanish when it is disabled."""

from __future__ import annotations

from datetime import date

import pytest

from core.extensions import db
from core.reports.compose import build_report
from core.reports.sections import ReportContext, ReportSection
from tests.contract.test_plugin_contract import PLUGINS
from tests.support.factories import login_as, make_partnership, make_user


def sections_of(app, key: str) -> tuple[int, list[ReportSection]]:
    with app.app_context():
        admin, partnership = make_user("platform_admin"), make_partnership()
        db.session.commit()
        context = ReportContext(partnership, date(2025, 4, 1), date(2025, 6, 30), "quarterly",
                                user=admin)
        found = [s for s in build_report(context).sections if s.key.startswith(f"{key}.")]
        client = app.test_client()
        login_as(client, admin)
        status = client.get(f"/reports/{partnership.id}").status_code
        return status, found


@pytest.mark.parametrize("key", PLUGINS)
def test_the_plugins_report_sections_render_on_an_empty_database(make_app, key):
    status, found = sections_of(make_app(ENABLED_PLUGINS=[key]), key)

    assert status == 200
    assert found or key != "example"


@pytest.mark.parametrize("key", PLUGINS)
def test_a_disabled_plugin_contributes_no_report_section(make_app, key):
    status, found = sections_of(make_app(ENABLED_PLUGINS=[p for p in PLUGINS if p != key]), key)

    assert status == 200 and found == []
