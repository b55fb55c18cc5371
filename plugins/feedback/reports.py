"""The plugin's report sections: volumes by channel and occasion, ratings month by month,
themes, disclosure alerts and how fast they were acknowledged, and "you said, we did".

Each section counts only rows placed inside the report (partnership, agency, team) and
received inside its period; every one renders on an empty database.
"""

from __future__ import annotations

from datetime import date
from statistics import median

from sqlalchemy import func, select

from core.toolkit import (
    ChartSeries,
    ReportChart,
    ReportContext,
    ReportFigure,
    ReportFinding,
    ReportSection,
    WorkflowInstance,
    db,
)
from plugins.feedback import vocab
from plugins.feedback.clock import LONDON
from plugins.feedback.models import (
    DisclosureAlert,
    FeedbackLink,
    FeedbackResponse,
    ResponseTheme,
    YouSaidWeDid,
)
from plugins.feedback.questions import clean_text

R = FeedbackResponse
LISTED = 20  # "you said, we did" entries written out in full


def sections(context: ReportContext) -> list[ReportSection]:
    return [volumes(context), ratings(context), themes(context), disclosures(context),
            you_said(context)]


def _received(context: ReportContext):
    return (context.placed(R.partnership_id, R.agency_id, R.team_id),
            context.during(R.received_at))


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


# --- volumes ----------------------------------------------------------------------------------


def volumes(context: ReportContext) -> ReportSection:
    rows = db.session.execute(select(R.channel, R.occasion, R.audience, R.outcome)
                              .where(*_received(context))).all()
    sent, answered = _links(context)
    children = sum(1 for r in rows if vocab.is_child(r.audience))
    calls = [r for r in rows if r.channel != "link"]
    unreached = sum(1 for r in calls if r.outcome in ("declined", "no_contact"))
    return ReportSection(
        "feedback.volumes", "Child and family feedback", order=60,
        figures=(ReportFigure("Feedback received", len(rows)),
                 ReportFigure("From children and young people", children),
                 ReportFigure("Telephone calls", len(calls)),
                 ReportFigure("Calls where the family declined or could not be reached",
                              unreached),
                 ReportFigure("Feedback links sent", sent),
                 ReportFigure("Links answered", percent(answered, sent), unit="%")),
        chart=_occasion_chart(rows),
        narrative=_volume_narrative(len(rows), children, sent, answered))


def _links(context: ReportContext) -> tuple[int, int]:
    L = FeedbackLink
    sent, answered = db.session.execute(
        select(func.count(L.id), func.count(L.used_at))
        .where(context.placed(L.partnership_id, L.agency_id, L.team_id),
               context.during(L.created_at))).one()
    return int(sent), int(answered)


def _occasion_chart(rows) -> ReportChart | None:
    occasions = [o for o in vocab.OCCASIONS if any(r.occasion == o for r in rows)]
    if not occasions:
        return None
    series = tuple(
        ChartSeries(label, tuple(sum(1 for r in rows if r.channel == channel and r.occasion == o)
                                 for o in occasions))
        for channel, label in vocab.CHANNELS.items())
    return ReportChart("Feedback by occasion and channel",
                       tuple(vocab.OCCASIONS[o] for o in occasions), series, stacked=True,
                       category_label="Occasion")


def _volume_narrative(total: int, children: int, sent: int, answered: int) -> str:
    if not total and not sent:
        return "No feedback was received in this period."
    return (f"{total} pieces of feedback were received, {children} of them from children and "
            f"young people. {answered} of the {sent} feedback links sent were answered.")


# --- ratings ----------------------------------------------------------------------------------


def ratings(context: ReportContext) -> ReportSection:
    rows = db.session.execute(select(R.received_at, R.rating)
                              .where(*_received(context), R.rating.is_not(None))).all()
    values = [r.rating for r in rows]
    mean = round(sum(values) / len(values), 1) if values else None
    good = percent(sum(1 for v in values if v >= 7.5), len(values))
    return ReportSection(
        "feedback.ratings", "How children and families rate our help", order=61,
        figures=(ReportFigure("Answers with a rating", len(values)),
                 ReportFigure("Average rating (0 to 10)", mean),
                 ReportFigure("Rated 7.5 or more", good, unit="%")),
        chart=_month_chart(context, rows),
        narrative="Ratings are the average of the scale questions in each form, from 0 "
                  "(the saddest face or worst answer) to 10 (the happiest or best).")


def _month_chart(context: ReportContext, rows) -> ReportChart | None:
    """Average rating for each month that has ratings. A month without any is left out
    rather than drawn as 0, which would read as the worst rating possible."""
    if not rows or len(_months(context.start, context.end)) < 2:
        return None
    by_month: dict[tuple[int, int], list[float]] = {}
    for row in rows:
        local = row.received_at.astimezone(LONDON)
        by_month.setdefault((local.year, local.month), []).append(row.rating)
    months = [m for m in _months(context.start, context.end) if m in by_month]
    averages = tuple(round(sum(by_month[m]) / len(by_month[m]), 1) for m in months)
    return ReportChart("Average rating by month", tuple(date(y, m, 1).strftime("%b %Y")
                                                        for y, m in months),
                       (ChartSeries("Average rating", averages),), category_label="Month",
                       description="Average rating out of 10 in each month with ratings; "
                                   "months with none are left out.")


def _months(start: date, end: date) -> list[tuple[int, int]]:
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


# --- themes -----------------------------------------------------------------------------------


def themes(context: ReportContext) -> ReportSection:
    counts = db.session.execute(
        select(ResponseTheme.theme, func.count())
        .join(R, R.id == ResponseTheme.response_id).where(*_received(context))
        .group_by(ResponseTheme.theme).order_by(func.count().desc(), ResponseTheme.theme)).all()
    chart = ReportChart("Feedback by theme", tuple(t for t, _ in counts),
                        (ChartSeries("Pieces of feedback", tuple(int(n) for _, n in counts)),),
                        category_label="Theme") if counts else None
    return ReportSection(
        "feedback.themes", "What children and families talk about", order=62,
        figures=(ReportFigure("Themes tagged", sum(int(n) for _, n in counts)),), chart=chart,
        findings=tuple(ReportFinding(t, f"Raised in {n} piece{'s' if n != 1 else ''} of "
                                        "child and family feedback") for t, n in counts[:5]))


# --- disclosures ------------------------------------------------------------------------------


def disclosures(context: ReportContext) -> ReportSection:
    A = DisclosureAlert
    alerts = db.session.scalars(
        select(A).where(context.placed(A.partnership_id, A.agency_id, A.team_id),
                        context.during(A.raised_at))).all()
    acknowledged = [a for a in alerts if a.acknowledged_at is not None]
    in_time = sum(1 for a in acknowledged if not _breached(a))
    hours = [(a.acknowledged_at - a.raised_at).total_seconds() / 3600 for a in acknowledged]
    return ReportSection(
        "feedback.disclosures", "Safeguarding alerts from feedback", order=63,
        figures=(ReportFigure("Alerts raised", len(alerts)),
                 ReportFigure("Acknowledged the same working day",
                              percent(in_time, len(alerts)), target=100, unit="%"),
                 ReportFigure("Median hours to acknowledge",
                              round(median(hours), 1) if hours else None),
                 ReportFigure("Escalated", sum(1 for a in alerts if _breached(a))),
                 ReportFigure("Not yet acknowledged", len(alerts) - len(acknowledged))),
        narrative="An alert is raised when feedback reads like a disclosure of harm, a child "
                  "says they do not feel safe, or asks to talk to someone now. It must be "
                  "acknowledged the same working day, or it is escalated.")


def _breached(alert: DisclosureAlert) -> bool:
    instance = db.session.get(WorkflowInstance, alert.workflow_id) if alert.workflow_id else None
    return bool(instance and any(c.breached for c in instance.clocks))


# --- you said, we did -------------------------------------------------------------------------


def you_said(context: ReportContext) -> ReportSection:
    Y = YouSaidWeDid
    records = db.session.scalars(
        select(Y).where(context.placed(Y.partnership_id, Y.agency_id, Y.team_id),
                        context.during(Y.created_at)).order_by(Y.created_at)).all()
    return ReportSection(
        "feedback.you_said", "You said, we did", order=64,
        figures=(ReportFigure("Changes made after feedback", len(records)),),
        narrative="\n".join(f"{r.theme}. You said: {_one_line(r.you_said)} We did: "
                            f"{_one_line(r.we_did)}" for r in records[:LISTED])
        or "No “you said, we did” records in this period.",
        findings=tuple(ReportFinding(r.theme, f"We did: {_one_line(r.we_did)}")
                       for r in records[:LISTED]))


def _one_line(text: str) -> str:
    return " ".join(clean_text(text).split())
