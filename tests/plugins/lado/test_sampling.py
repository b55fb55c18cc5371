"""The annual audit draws a stratified sample by sector and allocates it to auditors who are
independent of each referral."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from sqlalchemy import select

from core.accesslog.models import AccessLogEntry
from core.cases.models import CaseAssignment
from core.extensions import db
from core.notifications.models import Notification
from plugins.lado import audits, sampling
from plugins.lado.models import LadoAuditCycle
from tests.plugins.lado.conftest import record

pytestmark = pytest.mark.plugins("lado")


def test_a_percentage_is_shared_in_proportion_by_largest_remainder():
    sizes = {"education": 20, "health": 10, "sport": 5, "police": 5}
    total = sampling.sample_size(40, "percentage", 25)
    assert total == 10
    assert sampling.shares(sizes, total) == {"education": 5, "health": 3, "sport": 1,
                                             "police": 1}


def test_every_sector_is_represented_when_the_sample_allows():
    sizes = {"education": 30, "faith": 1, "transport": 1}
    assert sampling.shares(sizes, 3) == {"education": 1, "faith": 1, "transport": 1}
    assert sampling.shares(sizes, 2) == {"education": 2, "faith": 0, "transport": 0}


def test_a_number_is_capped_at_the_population_and_a_small_percentage_takes_one():
    assert sampling.sample_size(7, "number", 12) == 7
    assert sampling.sample_size(7, "percentage", 1) == 1
    assert sampling.sample_size(0, "percentage", 50) == 0


def test_the_draw_takes_the_shares_from_each_stratum_and_repeats_with_its_seed():
    strata = {"education": [f"e{i}" for i in range(20)], "sport": ["s1", "s2", "s3", "s4"]}
    drawn = sampling.draw(strata, "number", 6, seed=42)
    assert {k: len(v) for k, v in drawn.items()} == {"education": 5, "sport": 1}
    assert set(drawn["education"]) <= set(strata["education"])
    assert sampling.draw(strata, "number", 6, seed=42) == drawn


@pytest.fixture
def year(world, people):
    """2025-26: 6 education, 3 health, 1 sport referrals; 1 education referral the year after."""
    made = [record(world, people.lado, referral_date=f"{d:02d}/05/2025", sector="education",
                   lado=str(people.lado.id)) for d in range(1, 7)]
    made += [record(world, people.lado, referral_date=f"{d:02d}/06/2025", sector="health")
             for d in range(1, 4)]
    made.append(record(world, people.lado, referral_date="01/07/2025", sector="sport",
                       referrer_agency=str(world.b.id)))
    record(world, people.lado, referral_date="02/04/2026", sector="education")
    return made


def test_the_annual_audit_samples_by_sector_and_allocates_independent_auditors(
        world, people, year):
    cycle = audits.start_cycle(world.p1, "LADO annual audit 2025-26", date(2025, 4, 1),
                               date(2026, 3, 31), "percentage", 50,
                               [people.qa.id, people.police_auditor.id], world.coordinator)
    db.session.commit()
    assert cycle.population == 10
    # 50% of 10 is 5: 3, 1.5 and 0.5 by share; health wins the remainder (larger sector) and
    # sport still gets one, taken from the largest share
    assert Counter(a.referral.sector for a in cycle.audits) == {"education": 2, "health": 2,
                                                                "sport": 1}
    for audit in cycle.audits:
        assert audits.conflict(audit.auditor, audit.referral) is None
    sport = next(a for a in cycle.audits if a.referral.sector == "sport")
    assert sport.auditor_id == people.qa.id  # the police auditor's agency referred it
    assert {a.auditor_id for a in cycle.audits} == {people.qa.id, people.police_auditor.id}
    told = db.session.scalars(select(Notification.recipient_id).where(
        Notification.event == "lado.audit_allocated")).all()
    assert sorted(told) == sorted({people.qa.id, people.police_auditor.id})


def test_the_lado_who_handled_a_referral_is_never_its_auditor(world, people, year):
    with pytest.raises(audits.AuditInvalid, match="auditors"):
        audits.start_cycle(world.p1, "Only the LADO", date(2025, 5, 1), date(2025, 5, 31),
                           "number", 2, [people.lado.id], world.coordinator)
    db.session.rollback()
    assert audits.conflict(people.lado, year[0]) == "handled the referral as LADO"
    assert audits.conflict(people.manager, year[0]) is not None  # manager is not in AUDITORS
    assert audits.conflict(people.police_auditor, year[-1]) == "works for the referring agency"


def test_an_allocated_auditor_is_assigned_to_the_childrens_cases_until_done(world, people):
    from core.cases.service import register_case

    case = register_case(world.p1, world.a, {"name": "Child One", "date_of_birth": "2014-02-02",
                                             "record_id": "R-LADO-1"},
                         {"cohort": "child_in_need"}, by=None)
    db.session.commit()
    referral = record(world, people.lado, children=case.code)
    audit = audits.start_ad_hoc(referral, people.qa.id, "Complaint from the school",
                                world.coordinator)
    db.session.commit()
    assignment = db.session.scalar(select(CaseAssignment).where(
        CaseAssignment.case_id == case.id, CaseAssignment.user_id == people.qa.id))
    assert assignment.reference == audit.reference and assignment.closed_at is None


def test_the_annual_audit_page_needs_a_planner(login, world, people, year):
    client = login(world.coordinator)
    page = client.post("/lado/audits/annual/new", data={
        "title": "LADO annual audit 2025-26", "period_start": "01/04/2025",
        "period_end": "31/03/2026", "sample_mode": "number", "sample_value": "4",
        "auditors": [str(people.qa.id)]})
    assert page.status_code == 302
    shown = client.get(page.headers["Location"]).text
    assert "Sample by sector" in shown and "Quinn Auditor" in shown
    cycle = db.session.scalar(select(LadoAuditCycle))
    listed = db.session.scalars(select(AccessLogEntry).where(
        AccessLogEntry.action == "lado_referral_listed",
        AccessLogEntry.detail == f"annual audit {cycle.reference}")).all()
    assert sorted(e.object_code for e in listed) == sorted(
        a.referral.reference for a in cycle.audits)
    assert len(listed) == 4 and {e.user_id for e in listed} == {world.coordinator.id}
    assert login(people.lado).get("/lado/audits/annual/new").status_code == 403


def test_a_bad_annual_audit_form_names_each_field(login, world, people, year):
    page = login(world.coordinator).post("/lado/audits/annual/new", data={
        "title": "", "period_start": "31/02/2025", "period_end": "", "sample_mode": "percentage",
        "sample_value": "150"})
    assert page.status_code == 400
    for message in ("Enter a title", "Enter a real date",
                    "Enter the last day of the period", "Enter a whole number from 1 to 100"):
        assert message in page.text
