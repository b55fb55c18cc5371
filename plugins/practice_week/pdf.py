"""The practice week summary as a PDF for the performance meeting, written by core's export
renderer. The same figures as the summary page; staff by role, no family members."""

from __future__ import annotations

from core.toolkit import (
    EXPORT_MARKING,
    ExportBlock,
    ExportDocument,
    ExportTable,
    export_pdf,
    format_london,
)
from plugins.practice_week import clock
from plugins.practice_week.models import PracticeWeek
from plugins.practice_week.reports import Summary, audit_summary, coverage
from plugins.practice_week.vocab import GRADE_CHOICES


def _day(value) -> str:
    return value.strftime("%-d %B %Y")


def _percent(value: int | None) -> str:
    return "No figures yet" if value is None else f"{value}%"


def _figures(s: Summary) -> ExportBlock:
    return ExportBlock("Observations", [
        f"Observations done: {s.done} of {s.planned} planned ({_percent(s.done_rate)}).",
        f"Completed with the practitioner's reflection: {s.complete}.",
        f"Written feedback within two weeks: {s.feedback_on_time}; late: {s.feedback_late} "
        f"({_percent(s.timely_rate)} on time)."],
        [ExportTable("Observations by event", ("Event", "Planned", "Done"),
                     [list(row) for row in s.by_event])] if s.by_event else [])


def _standards(s: Summary) -> ExportBlock:
    rows = [[r.title, *(r.grades[g] for g, _ in GRADE_CHOICES)] for r in s.standards]
    paragraphs = [
        "Strengths: " + (", ".join(r.title for r in s.strengths) or "none identified yet"),
        "Development themes: " + (", ".join(r.title for r in s.development)
                                  or "none identified yet")]
    tables = [ExportTable("Grades given per standard",
                          ("Standard", *(label for _, label in GRADE_CHOICES)), rows)] \
        if rows else []
    return ExportBlock("Strengths and development themes per standard", paragraphs, tables)


def _learning(week: PracticeWeek, s: Summary) -> ExportBlock:
    rows = [[a.reference, a.what, _day(a.due_date), a.status] for a in s.actions]
    return ExportBlock("Learning and actions", [week.learning or "No learning recorded yet."],
                       [ExportTable("Actions", ("Action", "What", "Due", "Status"), rows)]
                       if rows else [])


def _coverage(week: PracticeWeek) -> ExportBlock:
    rows = [[c.team, c.practitioners, c.observed, _percent(c.rate)]
            for c in coverage(week.agency_id, week.ends_on)]
    return ExportBlock("Annual observation coverage per team", [], [ExportTable(
        "Practitioners observed in the last twelve months",
        ("Team", "Practitioners", "Observed", "Coverage"), rows)] if rows else [])


def _audits(week: PracticeWeek) -> ExportBlock:
    a = audit_summary(week)
    if not a.audits:
        return ExportBlock("Case audits during the week", ["No case audits were recorded."])
    return ExportBlock("Case audits during the week", [f"Case audits: {a.audits}."], [
        ExportTable("Overall grades", ("Grade", "Audits"), [list(r) for r in a.grades]),
        ExportTable("The family's view", ("Outcome", "Audits"), [list(r) for r in a.family])])


def document(week: PracticeWeek, summary: Summary) -> ExportDocument:
    about = [("Council", week.agency.name), ("Theme", week.theme),
             ("Dates", f"{_day(week.starts_on)} to {_day(week.ends_on)}"),
             ("Reference", week.reference), ("Built", format_london(clock.now()))]
    blocks = (_figures(summary), _standards(summary), _audits(week),
              _learning(week, summary), _coverage(week))
    return ExportDocument(f"Practice week summary: {week.title}", about, blocks,
                          marking=EXPORT_MARKING)


def summary_pdf(week: PracticeWeek, summary: Summary) -> bytes:
    return export_pdf(document(week, summary))


def file_name(week: PracticeWeek) -> str:
    return f"practice-week-summary-{week.reference}.pdf"
