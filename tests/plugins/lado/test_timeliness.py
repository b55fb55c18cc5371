"""Timeliness in UK working days, right across weekends and England and Wales bank holidays."""

from __future__ import annotations

from datetime import date

import pytest

from plugins.lado import timeliness
from plugins.lado.config import Settings
from plugins.lado.models import LadoReferral

pytestmark = pytest.mark.plugins("lado")
TARGETS = Settings(decision_days=1, strategy_days=5, outcome_days=65, long_running_days=130,
                   sample_mode="percentage", sample_value=10)


def _referral(received: date, **dates) -> LadoReferral:
    return LadoReferral(reference="NB-L-TEST01", partnership_id=1, referral_date=received,
                    sector="education", category="harm", **dates)


def _days(referral: LadoReferral) -> dict[str, int | None]:
    return {s.key: s.days for s in timeliness.steps(referral, TARGETS)}


def test_christmas_2026_bank_holidays_and_the_substitute_day_do_not_count(app):
    # Thu 24 Dec; Fri 25 and Mon 28 (substitute for Boxing Day) are bank holidays
    referral = _referral(date(2026, 12, 24), decision_date=date(2026, 12, 29),
                         strategy_date=date(2026, 12, 31), outcome_date=date(2027, 1, 4))
    assert _days(referral) == {"decision": 1, "strategy": 3, "outcome": 4}
    assert [s.met for s in timeliness.steps(referral, TARGETS)] == [True, True, True]


def test_easter_2026_good_friday_and_easter_monday_do_not_count(app):
    # Thu 2 April 2026; Good Friday 3 April and Easter Monday 6 April
    referral = _referral(date(2026, 4, 2), decision_date=date(2026, 4, 7),
                         strategy_date=date(2026, 4, 14))
    assert _days(referral) == {"decision": 1, "strategy": 6, "outcome": None}
    assert [s.met for s in timeliness.steps(referral, TARGETS)] == [True, False, None]


def test_the_august_bank_holiday_counts_as_a_day_off(app):
    # Fri 28 August 2026; Mon 31 August is the summer bank holiday
    referral = _referral(date(2026, 8, 28), decision_date=date(2026, 9, 1))
    assert _days(referral)["decision"] == 1


def test_a_decision_the_same_day_takes_no_working_days(app):
    assert _days(_referral(date(2026, 3, 2), decision_date=date(2026, 3, 2)))["decision"] == 0


def test_open_referrals_become_long_running_after_the_threshold(app):
    received = date(2026, 1, 5)
    referral = _referral(received)
    # Good Friday, Easter Monday and the two May bank holidays fall in between
    assert timeliness.open_days(referral, date(2026, 7, 10)) == 130
    assert not timeliness.is_long_running(referral, TARGETS, on=date(2026, 7, 10))
    assert timeliness.open_days(referral, date(2026, 7, 13)) == 131
    assert timeliness.is_long_running(referral, TARGETS, on=date(2026, 7, 13))
    referral.outcome, referral.outcome_date = "unfounded", date(2026, 7, 1)
    assert not timeliness.is_long_running(referral, TARGETS, on=date(2026, 7, 13))


def test_summaries_count_what_is_within_target_and_the_median(app):
    rows = [_referral(date(2026, 3, 2), decision_date=date(2026, 3, 3)),   # 1: within
            _referral(date(2026, 3, 2), decision_date=date(2026, 3, 5)),   # 3: late
            _referral(date(2026, 3, 2), decision_date=date(2026, 3, 4)),   # 2: late
            _referral(date(2026, 3, 2))]                                   # not decided
    decision = timeliness.summarise(rows, TARGETS)[0]
    assert (decision.measured, decision.within, decision.median_days) == (3, 1, 2)
    assert decision.percent == 33


def test_the_referral_page_shows_the_working_days_and_targets(login, world, people, frozen):
    from tests.plugins.lado.conftest import record

    referral = record(world, people.lado, referral_date="02/04/2026",
                      decision="met", decision_date="07/04/2026", strategy_held="yes",
                      strategy_date="14/04/2026")
    page = login(people.lado).get(f"/lado/referrals/{referral.reference}").text
    assert "Referral to decision" in page and "Referral to strategy discussion" in page
    compact = page.replace(" ", "").replace("\n", "")
    assert 'numeric">1</td><tdclass="govuk-table__cellgovuk-table__cell--numeric">1</td>' \
        in compact
    assert 'numeric">6</td><tdclass="govuk-table__cellgovuk-table__cell--numeric">5</td>' \
        in compact
