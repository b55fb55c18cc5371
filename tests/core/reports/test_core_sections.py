"""Core's report sections count the right things, in the right place and period."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace

from core.extensions import db
from core.reports.actions_section import actions_section
from core.reports.completion import completion_section
from core.reports.grades import grade_sections
from core.reports.models import ReportSetting
from core.reports.moderation import moderation_section
from tests.support.reports import (
    BEFORE,
    IN_QUARTER,
    add_action,
    add_grade,
    allocate,
    canary_case,
    make_case,
)


def figures(section) -> dict:
    return {f.label: f.value for f in section.figures}


def series(section) -> dict:
    chart = section.chart
    return {s.label: dict(zip(chart.categories, s.values, strict=True)) for s in chart.series}


def test_completion_counts_allocations_opened_in_the_period_against_the_target(world, quarter):
    case = canary_case(world)
    allocate(case, world.tm_a, closed=datetime(2025, 6, 1, tzinfo=UTC))
    allocate(case, world.hos_a)  # still open
    allocate(case, world.practitioner_a, closed=datetime(2025, 7, 2, tzinfo=UTC))  # too late
    allocate(case, world.tm_b, opened=BEFORE, closed=IN_QUARTER)  # allocated last quarter

    section = completion_section(quarter())

    assert figures(section) == {"Cases allocated": 3, "Audits completed": 1,
                                "Completion": 33.3}
    assert section.figures[2].target == 80 and section.figures[2].met is False
    assert series(section) == {"Completed": {"Example activity": 1},
                               "Not completed": {"Example activity": 2}}
    assert [f.theme for f in section.findings] == ["Audit completion"]


def test_completion_target_is_the_partnerships_own_setting(world, quarter):
    db.session.add(ReportSetting(partnership_id=world.p1.id, completion_target=30,
                                 grade_stage="file_review"))
    case = canary_case(world)
    allocate(case, world.tm_a, closed=IN_QUARTER)
    allocate(case, world.hos_a)

    section = completion_section(quarter())

    assert section.figures[2].target == 30 and section.figures[2].met is True
    assert section.findings == ()


def test_completion_of_an_agency_counts_only_its_cases(world, quarter):
    allocate(make_case(world, agency=world.b), world.tm_b, closed=IN_QUARTER)
    allocate(canary_case(world), world.tm_a)

    assert figures(completion_section(quarter(agency=world.a)))["Cases allocated"] == 1
    assert figures(completion_section(quarter(agency=world.b)))["Audits completed"] == 1


def place(world, agency=None, team=None, partnership=None):
    return SimpleNamespace(partnership_id=(partnership or world.p1).id,
                           agency_id=(agency or world.a).id,
                           team_id=team.id if team is not None else None)


def test_grade_mix_counts_each_domain_and_overall_at_the_reporting_stage(world, quarter):
    here = place(world)
    for subject, overall, domain_a in [(1, "good", "good"), (2, "inadequate", "inadequate"),
                                       (3, "good", "outstanding")]:
        add_grade(here, subject, "file_review", overall)
        add_grade(here, subject, "file_review", domain_a, domain="A")
    add_grade(here, 1, "after_conversation", "outstanding")  # another stage: not in the mix
    add_grade(here, 4, "file_review", "good", at=BEFORE)  # another period
    add_grade(place(world, partnership=world.p2, agency=world.c), 5, "file_review", "good")

    mix, stages = grade_sections(quarter())

    assert figures(mix) == {"Audits graded": 3, "Good or outstanding": 66.7,
                            "Inadequate": 33.3}
    assert mix.chart.categories == ("Overall", "A")
    assert series(mix) == {"Outstanding": {"Overall": 0, "A": 1},
                           "Good": {"Overall": 2, "A": 1},
                           "Requires improvement": {"Overall": 0, "A": 0},
                           "Inadequate": {"Overall": 1, "A": 1}}
    assert mix.findings[0].text == "Domain A: 33.3% of grades were inadequate."
    assert figures(stages) == {"File review": 3, "After the practitioner conversation": 1}


def test_grade_mix_follows_the_partnerships_reporting_stage(world, quarter):
    db.session.add(ReportSetting(partnership_id=world.p1.id, completion_target=80,
                                 grade_stage="after_conversation"))
    add_grade(place(world), 1, "file_review", "inadequate")
    add_grade(place(world), 1, "after_conversation", "requires_improvement")

    mix, _ = grade_sections(quarter())

    assert {k: v["Overall"] for k, v in series(mix).items()} == {
        "Outstanding": 0, "Good": 0, "Requires improvement": 1, "Inadequate": 0}


def test_grade_mix_of_a_team_counts_only_that_teams_grades(world, quarter):
    add_grade(place(world, team=world.team_a), 1, "file_review", "good")
    add_grade(place(world), 2, "file_review", "inadequate")

    mix, *_ = grade_sections(quarter(agency=world.a, team=world.team_a))

    assert {k: v["Overall"] for k, v in series(mix).items()} == {
        "Outstanding": 0, "Good": 1, "Requires improvement": 0, "Inadequate": 0}


def test_moderation_compares_the_moderators_grade_with_the_auditors_last(world, quarter):
    here = place(world)
    cases = {1: ("requires_improvement", "good", "good"),  # confirmed (after conversation)
             2: ("good", None, "inadequate"),  # downgraded
             3: ("inadequate", None, "requires_improvement"),  # upgraded
             4: ("good", None, "requires_improvement")}  # downgraded
    for subject, (file_review, conversation, moderated) in cases.items():
        add_grade(here, subject, "file_review", file_review, at=BEFORE)
        if conversation:
            add_grade(here, subject, "after_conversation", conversation, at=BEFORE)
        add_grade(here, subject, "moderation", moderated)
    add_grade(here, 9, "moderation", "good")  # nothing to compare with

    section = moderation_section(quarter())

    assert figures(section) == {"Audits moderated": 5, "Confirmed": 1, "Upgraded": 1,
                                "Downgraded": 2, "Downgrade rate": 50.0}
    assert series(section) == {"Audits": {"Confirmed": 1, "Upgraded": 1, "Downgraded": 2}}
    assert section.findings[0].theme == "Moderation"


def test_a_moderation_grade_keeps_the_auditors_grade_it_was_compared_with(world):
    here = place(world)
    add_grade(here, 1, "file_review", "good", domain="A")
    add_grade(here, 1, "file_review", "requires_improvement")
    add_grade(here, 1, "after_conversation", "good")
    add_grade(here, 2, "file_review", "inadequate")  # another audit

    overall = add_grade(here, 1, "moderation", "inadequate")
    domain = add_grade(here, 1, "moderation", "good", domain="A")
    first = add_grade(here, 3, "moderation", "good")

    assert (overall.compared_grade, domain.compared_grade, first.compared_grade) == (
        "good", "good", None)
    assert add_grade(here, 1, "file_review", "good").compared_grade is None


def test_actions_counts_opened_signed_off_and_overdue_at_the_end_of_the_period(world, quarter):
    add_action(world)  # opened, due 30 May, still open: overdue
    add_action(world, due=date(2025, 7, 20))  # due after the quarter
    add_action(world, status="signed_off", completed=datetime(2025, 5, 20, tzinfo=UTC),
               signed_off=datetime(2025, 5, 21, tzinfo=UTC))
    add_action(world, created=BEFORE, due=date(2025, 4, 10), status="signed_off",
               completed=datetime(2025, 7, 5, tzinfo=UTC))  # late: overdue at 30 June
    add_action(world, status="cancelled")
    add_action(world, agency=world.b)  # another agency

    assert figures(actions_section(quarter())) == {"Opened": 5, "Signed off": 1, "Overdue": 3}
    assert figures(actions_section(quarter(agency=world.a))) == {
        "Opened": 4, "Signed off": 1, "Overdue": 2}


def test_actions_count_only_those_the_reader_may_see(world, quarter):
    add_action(world, agency=world.b)

    assert figures(actions_section(quarter(user=world.hos_a)))["Opened"] == 0
    assert figures(actions_section(quarter()))["Opened"] == 1


def test_every_core_section_renders_on_an_empty_database(world, quarter):
    from core.reports.core_sections import core_sections

    sections = core_sections(quarter())

    assert [s.key for s in sections] == ["core.completion", "core.grades", "core.moderation",
                                         "core.actions"]
    assert all(s.chart is None and s.findings == () for s in sections)


def test_rows_without_an_agency_column_are_not_counted_in_an_agency_report(world, quarter):
    from core.tools.models import GradeRecord

    add_grade(place(world, team=world.team_a), 1, "file_review", "good")

    def counted(context, *columns):
        query = db.select(db.func.count(GradeRecord.id)).where(context.placed(*columns))
        return db.session.scalar(query)

    partnership_only = (GradeRecord.partnership_id,)
    placed = (GradeRecord.partnership_id, GradeRecord.agency_id, GradeRecord.team_id)
    assert counted(quarter(), *partnership_only) == 1
    assert counted(quarter(agency=world.a), *partnership_only) == 0
    assert counted(quarter(agency=world.a, team=world.team_a), *placed) == 1
    assert counted(quarter(agency=world.a, team=world.team_a), *placed[:2]) == 0
