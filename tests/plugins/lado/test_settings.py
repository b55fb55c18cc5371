"""A partnership's own timeliness targets and long-running threshold (working days): set on the
settings page by the LADO service, used by the referral page, the register and the reports."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from core.accesslog.models import AccessLogEntry
from core.extensions import db
from plugins.lado import figures
from plugins.lado.models import LadoSetting
from tests.plugins.lado.conftest import record

pytestmark = pytest.mark.plugins("lado")
FORM = {"decision_days": "1", "strategy_days": "5", "outcome_days": "65",
        "long_running_days": "130", "sample_mode": "percentage", "sample_value": "10"}


@pytest.fixture
def late(world, people, frozen):
    """Received Monday 1 June 2026, decided Wednesday 3 June (2 working days), no outcome;
    'today' is Tuesday 30 June (21 working days later)."""
    return record(world, people.lado, referral_date="01/06/2026", decision="met",
                  decision_date="03/06/2026")


def test_changed_targets_are_used_by_the_referral_page_register_and_reports(
        login, world, people, late):
    client = login(people.lado)
    page = client.get(f"/lado/referrals/{late.reference}").text
    assert "govuk-tag--red\">No" in page  # 2 working days against a target of 1
    assert late.reference not in client.get("/lado/?state=long").text
    assert figures.build(world.p1, date(2026, 4, 1), date(2026, 6, 30)).timeliness[0].within == 0

    saved = client.post(f"/lado/settings/{world.p1.id}",
                        data={**FORM, "decision_days": "2", "long_running_days": "20"})
    assert saved.status_code == 302
    page = client.get(f"/lado/referrals/{late.reference}").text
    assert "govuk-tag--red\">No" not in page and "Long-running: open 21 working days" in page
    assert late.reference in client.get("/lado/?state=long").text
    f = figures.build(world.p1, date(2026, 4, 1), date(2026, 6, 30))
    assert (f.timeliness[0].target, f.timeliness[0].within) == (2, 1)
    entry = db.session.scalar(select(AccessLogEntry).where(
        AccessLogEntry.action == "lado_settings_changed"))
    assert entry.detail == "fields: decision_days, long_running_days"


def test_bad_settings_are_named_per_field_and_nothing_is_saved(login, world, people):
    page = login(people.lado).post(f"/lado/settings/{world.p1.id}", data={
        **FORM, "decision_days": "-1", "outcome_days": "lots", "sample_mode": "",
        "sample_value": "0"})
    assert page.status_code == 400
    for field in ("decision_days", "outcome_days", "sample_mode", "sample_value"):
        assert f'href="#{field}"' in page.text
    assert 'href="#strategy_days"' not in page.text
    assert db.session.get(LadoSetting, world.p1.id) is None


def test_only_the_lado_service_and_coordinator_set_their_own_partnerships_targets(
        login, world, people):
    assert "LADO settings" in login(people.lado).get("/lado/").text
    assert "LADO settings" not in login(people.manager).get("/lado/").text
    assert login(people.manager).get(f"/lado/settings/{world.p1.id}").status_code == 403
    assert login(people.board).get(f"/lado/settings/{world.p1.id}").status_code == 403
    assert login(people.lado).get(f"/lado/settings/{world.p2.id}").status_code == 404
    assert login(world.coordinator).post(f"/lado/settings/{world.p1.id}",
                                         data=FORM).status_code == 302
