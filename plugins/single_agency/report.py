"""The case file audit sections of a QA report (DOMAIN.md's measures; Havering, Haringey, Sefton).

Every section counts only the audits the reader may see, placed in the report's partnership,
council and team. Periods: allocations by the cycle's opening day; grades, responses and
re-audits by acceptance; moderation by its completion; alerts by when they were raised.
Practitioners are never named: trend warnings give the team and a count.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time
from statistics import median
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.toolkit import (
    GRADES,
    ROLES,
    Action,
    Case,
    ChartSeries,
    Membership,
    ReportChart,
    ReportContext,
    ReportFigure,
    ReportFinding,
    ReportSection,
    Team,
    db,
    plugin_config,
)
from plugins.single_agency import history
from plugins.single_agency.models import (
    Audit,
    AuditResponse,
    Cycle,
    Escalation,
    MakeADifference,
    Moderation,
    Programme,
    SafetyAlert,
)
from plugins.single_agency.settings import AUDITOR_ROLES, KEY, cycle_months, programme_year_start

COMPLETION_TARGET = 80  # Havering: completion against allocation
GRADE_ORDER = [g.value for g in sorted(GRADES, reverse=True)]  # best first
GRADE_LABELS = {g.value: g.label for g in GRADES}
ACTIVE_ACTIONS = ("open", "in_progress", "returned")
STAGES = (("file_review", "File review"), ("after_conversation", "After the conversation"),
          ("moderation", "After moderation"), ("final", "As it stands"))


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def completion_target() -> int:
    return int(plugin_config(KEY).get("completion_target", COMPLETION_TARGET))


# --- what the report covers --------------------------------------------------------------------


def _audits(context: ReportContext) -> Any:
    """The audits in the report's place that its reader may see (a SELECT of Audit)."""
    query = select(Audit).where(context.placed(Audit.partnership_id, Audit.agency_id,
                                               Audit.team_id))
    if context.user is not None:
        from plugins.single_agency.scope import visible_audits

        query = query.where(Audit.id.in_(visible_audits(context.user)
                                         .with_only_columns(Audit.id)))
    return query.where(Audit.state != "proposed")


def _ids(context: ReportContext) -> Any:
    return _audits(context).with_only_columns(Audit.id)


def _load(query: Any) -> list[Audit]:
    return list(db.session.scalars(query.options(selectinload(Audit.team))
                                   .order_by(Audit.id)))


def allocated(context: ReportContext) -> list[Audit]:
    """Audits sent to auditors in cycles opening in the period (cancelled ones do not count)."""
    return _load(_audits(context).join(Cycle, Cycle.id == Audit.cycle_id).where(
        Cycle.opens_on >= context.start, Cycle.opens_on <= context.end,
        Audit.state != "cancelled"))


def accepted(context: ReportContext) -> list[Audit]:
    return _load(_audits(context).where(context.during(Audit.accepted_at)))


def _done(audit: Audit, context: ReportContext) -> bool:
    return audit.accepted_at is not None and audit.accepted_at < context.ends_before


# --- 1. compliance -----------------------------------------------------------------------------


def auditor_roles(user_ids: Iterable[int]) -> dict[int, str]:
    """One auditing role per auditor, so each audit counts once by role: a person holding two
    (say team manager and IRO) counts under the later one in AUDITOR_ROLES."""
    ids = set(user_ids)
    if not ids:
        return {}
    found: dict[int, str] = {}
    for user_id, role in db.session.execute(select(Membership.user_id, Membership.role).where(
            Membership.user_id.in_(ids), Membership.role.in_(AUDITOR_ROLES))):
        if user_id not in found or AUDITOR_ROLES.index(role) > AUDITOR_ROLES.index(
                found[user_id]):
            found[user_id] = role
    return found


def compliance_section(context: ReportContext) -> ReportSection:
    audits = allocated(context)
    target = completion_target()
    done = [a for a in audits if _done(a, context)]
    by_team: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for audit in audits:
        row = by_team[audit.team.name if audit.team else "No team"]
        row[0] += 1
        row[1] += _done(audit, context)
    roles = auditor_roles(a.auditor_id for a in audits if a.auditor_id)
    by_role: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for audit in audits:
        row = by_role[roles.get(audit.auditor_id, "other")]
        row[0] += 1
        row[1] += _done(audit, context)
    rate = percent(len(done), len(audits))
    teams = sorted(by_team)
    chart = ReportChart(
        "Audits completed and outstanding, by team", categories=tuple(teams),
        series=(ChartSeries("Completed", tuple(by_team[t][1] for t in teams)),
                ChartSeries("Not completed", tuple(by_team[t][0] - by_team[t][1]
                                                   for t in teams))),
        stacked=True, category_label="Team") if teams else None
    role_figures = tuple(
        ReportFigure(f"Completion by {_role_label(r).lower()}s", percent(n[1], n[0]),
                     target=target, unit="%") for r, n in sorted(by_role.items()))
    team_text = "; ".join(f"{t}: {by_team[t][1]} of {by_team[t][0]}" for t in teams)
    role_text = "; ".join(f"{_role_label(r)}s: {n[1]} of {n[0]}"
                          for r, n in sorted(by_role.items()))
    return ReportSection(
        key=f"{KEY}.compliance", title="Case file audits: completion against allocation",
        order=10,
        figures=(ReportFigure("Audits allocated", len(audits)),
                 ReportFigure("Audits completed", len(done)),
                 ReportFigure("Completion", rate, target=target, unit="%"), *role_figures),
        chart=chart,
        narrative=(f"{len(done)} of the {len(audits)} case file audits allocated in cycles "
                   f"opening from {context.period_label} were completed ({rate}%, target "
                   f"{target}%). By team: {team_text}. By auditor's role: {role_text}."
                   if audits else "No case file audits were allocated in this period."),
        findings=(ReportFinding("Audit completion", f"Case file audit completion was {rate}%, "
                                                    f"below the target of {target}%."),)
        if rate is not None and rate < target else ())


def _role_label(role: str) -> str:
    return ROLES[role].label if role in ROLES else "Other auditor"


# --- 2. grade mix ------------------------------------------------------------------------------


def stage_overalls(audit: Audit) -> dict[str, str | None]:
    """The audit's overall grade after each stage (moderation: only if moderated)."""
    stages = history.by_stage(audit)
    found = {key: (stages.get(key) or {}).get("overall") for key in
             ("file_review", "after_conversation", "moderation")}
    found["final"] = audit.final_grade
    return found


def final_domains(audit: Audit) -> dict[str, str]:
    return history.stage_grades(audit)[0]


def grades_section(context: ReportContext) -> ReportSection:
    audits = accepted(context)
    mix = {key: Counter() for key, _ in STAGES}
    domains: dict[str, Counter] = defaultdict(Counter)
    for audit in audits:
        for key, grade in stage_overalls(audit).items():
            if grade in GRADE_LABELS:
                mix[key][grade] += 1
        for code, grade in final_domains(audit).items():
            if grade in GRADE_LABELS:
                domains[code][grade] += 1
    stages = [(k, label) for k, label in STAGES if sum(mix[k].values())]
    chart = ReportChart(
        "Overall grades before and after the conversation and after moderation",
        categories=tuple(label for _, label in stages),
        series=tuple(ChartSeries(GRADE_LABELS[g], tuple(mix[k][g] for k, _ in stages))
                     for g in GRADE_ORDER), stacked=True, category_label="Stage",
    ) if stages else None
    figures = [ReportFigure(f"{label}: {GRADE_LABELS[g].lower()}", mix[k][g])
               for k, label in stages for g in GRADE_ORDER]
    domain_text = "; ".join(
        f"{code}: " + ", ".join(f"{domains[code][g]} {GRADE_LABELS[g].lower()}"
                                for g in GRADE_ORDER if domains[code][g])
        for code in sorted(domains))
    final = mix["final"]
    findings = ()
    if sum(final.values()) and percent(final["inadequate"], sum(final.values())) >= 20:
        findings = (ReportFinding("Quality of practice", f"{final['inadequate']} of "
                                  f"{sum(final.values())} accepted case file audits are "
                                  "inadequate."),)
    return ReportSection(
        key=f"{KEY}.grades", title="Case file audits: grades", order=20,
        figures=(ReportFigure("Audits accepted", len(audits)), *figures), chart=chart,
        narrative=(f"Overall grades of the {len(audits)} audits accepted from "
                   f"{context.period_label}, at each stage. Domain grades as they stand: "
                   f"{domain_text or 'none'}." if audits
                   else "No case file audits were accepted in this period."),
        findings=findings)


# --- 3. moderation agreement -----------------------------------------------------------------


def cohens_kappa(pairs: list[tuple[str, str]]) -> float | None:
    """Agreement between auditor and moderator beyond chance, over the four grades."""
    pairs = [(a, b) for a, b in pairs if a in GRADE_LABELS and b in GRADE_LABELS]
    n = len(pairs)
    if not n:
        return None
    observed = sum(a == b for a, b in pairs) / n
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(first[g] * second[g] for g in GRADE_LABELS) / (n * n)
    if expected == 1:
        return 1.0 if observed == 1 else None
    return round((observed - expected) / (1 - expected), 2)


def moderation_section(context: ReportContext) -> ReportSection:
    rows = list(db.session.scalars(select(Moderation).where(
        Moderation.audit_id.in_(_ids(context)), context.during(Moderation.completed_at))))
    tally = Counter(m.overall.get("outcome") for m in rows)
    domain_tally = Counter(o.get("outcome") for m in rows for o in m.outcomes.values())
    n = len(rows)
    kappa = cohens_kappa([(m.overall.get("from"), m.overall.get("to")) for m in rows])
    meetings = sum(1 for m in rows if m.meeting_on)
    figures = (ReportFigure("Audits moderated", n),
               ReportFigure("Overall grade confirmed", percent(tally["confirmed"], n), unit="%"),
               ReportFigure("Overall grade upgraded", percent(tally["upgraded"], n), unit="%"),
               ReportFigure("Overall grade downgraded", percent(tally["downgraded"], n),
                            unit="%"),
               ReportFigure("Cohen's kappa, auditor and moderator", kappa),
               ReportFigure("Reflective moderation meetings", meetings))
    chart = ReportChart("Moderators' decisions", categories=("Overall grade", "Domain grades"),
                        series=tuple(ChartSeries(label.capitalize(), (tally[label],
                                                                      domain_tally[label]))
                                     for label in ("confirmed", "upgraded", "downgraded")),
                        stacked=True, category_label="Grades") if n else None
    findings = ()
    rate = percent(tally["downgraded"], n)
    if rate is not None and rate >= 20:
        findings = (ReportFinding("Moderation", f"Moderators downgraded {tally['downgraded']} "
                                                f"of {n} case file audits ({rate}%)."),)
    return ReportSection(
        key=f"{KEY}.moderation", title="Case file audits: moderation agreement", order=30,
        figures=figures, chart=chart, findings=findings,
        narrative=(f"{n} audits were moderated: {tally['confirmed']} confirmed, "
                   f"{tally['upgraded']} upgraded and {tally['downgraded']} downgraded overall; "
                   f"of the domain grades {domain_tally['confirmed']} confirmed, "
                   f"{domain_tally['upgraded']} upgraded and {domain_tally['downgraded']} "
                   f"downgraded. Cohen's kappa between auditors' and moderators' overall grades: "
                   f"{'not enough to compare' if kappa is None else kappa}."
                   if n else "No case file audits were moderated in this period."))


# --- 4. responses and actions ----------------------------------------------------------------


def actions_section(context: ReportContext) -> ReportSection:
    today = min(context.end, _today())
    responses = list(db.session.scalars(select(AuditResponse).where(
        AuditResponse.audit_id.in_(_ids(context)), context.during(AuditResponse.shared_at))))
    on_time = sum(1 for r in responses if r.recorded_at is not None
                  and _london(r.recorded_at) <= r.due_on)
    late = sum(1 for r in responses if r.recorded_at is not None
               and _london(r.recorded_at) > r.due_on)
    waiting = sum(1 for r in responses if r.recorded_at is None)
    references = select(Audit.reference).where(Audit.id.in_(_ids(context)))
    actions = list(db.session.scalars(select(Action).where(
        Action.source_activity == KEY, Action.source_ref.in_(references),
        context.during(Action.created_at))))
    status = Counter(a.status for a in actions)
    overdue = sum(1 for a in actions if a.status in ACTIVE_ACTIONS and a.due_date < today)
    return ReportSection(
        key=f"{KEY}.actions", title="Case file audits: responses and actions", order=40,
        figures=(ReportFigure("Reports shared", len(responses)),
                 ReportFigure("Responses recorded on time", on_time),
                 ReportFigure("Responses recorded late", late),
                 ReportFigure("Responses outstanding", waiting),
                 ReportFigure("Actions raised", len(actions)),
                 ReportFigure("Actions signed off", status["signed_off"]),
                 ReportFigure("Actions awaiting sign-off", status["awaiting_sign_off"]),
                 ReportFigure("Actions overdue", overdue)),
        narrative=(f"Of {len(responses)} audit reports shared, the team manager and practitioner "
                   f"recorded their discussion on time for {on_time}, late for {late}; "
                   f"{waiting} are outstanding. {len(actions)} actions were raised: "
                   f"{status['signed_off']} signed off and {overdue} overdue."),
        findings=(ReportFinding("Actions", f"{overdue} actions from case file audits are "
                                           "overdue."),) if overdue else ())


def _today() -> date:
    from plugins.single_agency import clock

    return clock.today()


def _london(moment: Any) -> date:
    from plugins.single_agency import clock

    return moment.astimezone(clock.LONDON).date()


# --- 5. re-audits --------------------------------------------------------------------------------


def reaudits_section(context: ReportContext) -> ReportSection:
    done = [a for a in accepted(context) if a.kind == "re_audit" and a.previous is not None]
    outcome = Counter()
    for audit in done:
        before, after = audit.previous.final_grade, audit.final_grade
        if before in GRADE_LABELS and after in GRADE_LABELS:
            outcome["improved" if GRADE_ORDER.index(after) < GRADE_ORDER.index(before)
                    else "same" if after == before else "lower"] += 1
    escalations = Counter(db.session.scalars(select(Escalation.level).where(
        Escalation.audit_id.in_([a.id for a in done]))))
    return ReportSection(
        key=f"{KEY}.reaudits", title="Case file audits: re-audits", order=50,
        figures=(ReportFigure("Re-audits completed", len(done)),
                 ReportFigure("Improved", outcome["improved"]),
                 ReportFigure("Same grade", outcome["same"]),
                 ReportFigure("Lower grade", outcome["lower"]),
                 ReportFigure("Escalated to the service manager and head of service",
                              escalations[1]),
                 ReportFigure("Escalated to the head of service and assistant director",
                              escalations[2])),
        narrative=(f"{len(done)} re-audits were accepted: {outcome['improved']} improved, "
                   f"{outcome['same']} the same and {outcome['lower']} lower."
                   if done else "No re-audits were accepted in this period."),
        findings=(ReportFinding("Quality of practice", f"{outcome['same'] + outcome['lower']} "
                                "re-audits found no improvement."),)
        if outcome["same"] + outcome["lower"] else ())


# --- 6. safety alerts ----------------------------------------------------------------------------


def alerts_section(context: ReportContext) -> ReportSection:
    rows = list(db.session.scalars(select(SafetyAlert).where(
        SafetyAlert.audit_id.in_(_ids(context)), context.during(SafetyAlert.raised_at))))
    hours = [(a.resolved_at - a.raised_at).total_seconds() / 3600 for a in rows
             if a.resolved_at is not None]
    within = sum(1 for h in hours if h <= 24)
    still_open = sum(1 for a in rows if a.resolved_at is None
                     or a.resolved_at >= context.ends_before)
    reasons = Counter(a.reason for a in rows)
    return ReportSection(
        key=f"{KEY}.alerts", title="Case file audits: safety alerts", order=60,
        figures=(ReportFigure("Safety alerts raised", len(rows)),
                 ReportFigure("Concern for the child's safety", reasons["child_safety"]),
                 ReportFigure("No supervision for six months", reasons["no_supervision"]),
                 ReportFigure("Resolved within 24 hours", percent(within, len(rows)),
                              target=100, unit="%"),
                 ReportFigure("Median hours to resolve", round(median(hours), 1)
                              if hours else None),
                 ReportFigure("Unresolved at the end of the period", still_open)),
        narrative=(f"{len(rows)} safety alerts were raised; {within} were resolved within 24 "
                   f"hours and {still_open} were unresolved at the end of the period."
                   if rows else "No safety alerts were raised in this period."),
        findings=(ReportFinding("Safeguarding", f"{len(rows) - within} safety alerts were not "
                                                "resolved within 24 hours."),)
        if len(rows) - within else ())


# --- 7. trend warnings ---------------------------------------------------------------------------


def repeated_inadequate(context: ReportContext) -> dict[str, int]:
    """Practitioners whose latest two or more accepted audits (to the end of the period) were
    all inadequate, counted per team; practitioners are not named in a report."""
    rows = db.session.execute(_audits(context).where(
        Audit.accepted_at < context.ends_before, Audit.practitioner_id.is_not(None))
        .with_only_columns(Audit.practitioner_id, Audit.team_id, Audit.final_grade)
        .order_by(Audit.practitioner_id, Audit.accepted_at, Audit.id)).all()
    streak: dict[int, tuple[int, Any]] = {}
    for practitioner, team, grade in rows:
        run = streak.get(practitioner, (0, team))[0]
        streak[practitioner] = (run + 1 if grade == "inadequate" else 0, team)
    names = _team_names({team for run, team in streak.values() if run >= 2})
    found: Counter = Counter()
    for run, team in streak.values():
        if run >= 2:
            found[names.get(team, "No team")] += 1
    return dict(found)


def _team_names(ids: set) -> dict[Any, str]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return dict(db.session.execute(select(Team.id, Team.name).where(Team.id.in_(ids))).all())


def _threshold(context: ReportContext) -> int:
    query = select(Programme.inadequate_share_warning).where(
        Programme.partnership_id == context.partnership.id)
    if context.agency is not None:
        query = query.where(Programme.agency_id == context.agency.id)
    values = list(db.session.scalars(query))
    return min(values) if values else 25


def trends_section(context: ReportContext) -> ReportSection:
    repeated = repeated_inadequate(context)
    threshold = _threshold(context)
    teams: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for audit in accepted(context):
        row = teams[audit.team.name if audit.team else "No team"]
        row[0] += 1
        row[1] += audit.final_grade == "inadequate"
    high = {t: percent(n[1], n[0]) for t, n in teams.items()
            if n[0] and percent(n[1], n[0]) > threshold}
    findings = tuple(
        [ReportFinding("Practice concerns", f"{team}: {n} practitioner(s) with two or more "
                                            "consecutive inadequate audits.")
         for team, n in sorted(repeated.items())]
        + [ReportFinding("Practice concerns", f"{team}: {share}% of its audits inadequate "
                                              f"(above {threshold}%).")
           for team, share in sorted(high.items())])
    return ReportSection(
        key=f"{KEY}.trends", title="Case file audits: trend warnings", order=70,
        figures=(ReportFigure("Practitioners with 2+ consecutive inadequate audits",
                              sum(repeated.values())),
                 ReportFigure(f"Teams with more than {threshold}% inadequate", len(high))),
        narrative=" ".join(f.text for f in findings) or "No trend warnings in this period.",
        findings=findings)


# --- 8. quotas by role -------------------------------------------------------------------------


def quotas_section(context: ReportContext) -> ReportSection:
    query = select(Programme).where(Programme.partnership_id == context.partnership.id)
    if context.agency is not None:
        query = query.where(Programme.agency_id == context.agency.id)
    rows: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0.0])  # people, on track, done
    for programme in db.session.scalars(query):
        _quota_rows(programme, context, rows)
    roles = sorted(rows)
    figures = tuple(ReportFigure(f"{_role_label(r)}s on track for their quota",
                                 percent(int(rows[r][1]), int(rows[r][0])), unit="%")
                    for r in roles)
    return ReportSection(
        key=f"{KEY}.quotas", title="Case file audits: quotas by role", order=80,
        figures=figures,
        chart=ReportChart("Auditors on track for their yearly quota", tuple(
            _role_label(r) for r in roles), series=(
            ChartSeries("On track", tuple(rows[r][1] for r in roles)),
            ChartSeries("Behind", tuple(rows[r][0] - rows[r][1] for r in roles))),
            stacked=True, category_label="Role") if roles else None,
        narrative="; ".join(f"{_role_label(r)}s: {int(rows[r][1])} of {int(rows[r][0])} on "
                            f"track, {int(rows[r][2])} audits completed this programme year"
                            for r in roles) or "No auditors hold a quota.")


def _quota_rows(programme: Programme, context: ReportContext,
                rows: dict[str, list[float]]) -> None:
    start = programme_year_start(context.end, programme.year_start_month)
    months = cycle_months(programme.year_start_month, programme.cycles_per_year,
                          programme.paused_months)
    passed = sum(1 for m in months if _month_start(start, m) <= context.end)
    share = passed / len(months) if months else 0
    holders = list(db.session.execute(select(Membership.user_id, Membership.role).where(
        Membership.agency_id == programme.agency_id,
        Membership.role.in_(tuple(programme.quotas)))).all())
    done = Counter(db.session.scalars(select(Audit.auditor_id).where(
        Audit.agency_id == programme.agency_id, Audit.state == "accepted",
        Audit.accepted_at >= _start_utc(start), Audit.accepted_at < context.ends_before)))
    for user_id, role in {(u, r) for u, r in holders}:
        expected = programme.quotas[role] * share
        rows[role][0] += 1
        rows[role][1] += done[user_id] >= int(expected)
        rows[role][2] += done[user_id]


def _month_start(year_start: date, month: int) -> date:
    year = year_start.year + (1 if month < year_start.month else 0)
    return date(year, month, 1)


def _start_utc(day: date) -> Any:
    from plugins.single_agency import clock

    return datetime.combine(day, time(), clock.LONDON)


# --- 9. disproportionality -----------------------------------------------------------------------


def disproportionality_section(context: ReportContext) -> ReportSection:
    audits = accepted(context)
    case_ids = {a.case_id for a in audits}
    ethnicity = dict(db.session.execute(select(Case.id, Case.ethnicity).where(
        Case.id.in_(case_ids))).all()) if case_ids else {}
    cohort = Counter(e or "Not recorded" for e in db.session.scalars(select(Case.ethnicity).where(
        context.placed(Case.partnership_id, Case.agency_id, Case.team_id),
        Case.destroyed_at.is_(None),
        (Case.closed_at.is_(None)) | (Case.closed_at >= context.starts_at),
        Case.created_at < context.ends_before)))
    audited = Counter(ethnicity.get(a.case_id) or "Not recorded" for a in audits)
    inadequate = Counter(ethnicity.get(a.case_id) or "Not recorded" for a in audits
                         if a.final_grade == "inadequate")
    groups = sorted(set(cohort) | set(audited))
    total_cases, total_audits = sum(cohort.values()), len(audits)
    chart = ReportChart(
        "Share of audits and of the caseload, by ethnicity", categories=tuple(groups),
        series=(ChartSeries("Audits (%)", tuple(percent(audited[g], total_audits) or 0
                                                for g in groups)),
                ChartSeries("Caseload (%)", tuple(percent(cohort[g], total_cases) or 0
                                                  for g in groups))),
        unit="%", category_label="Ethnicity (DfE code)") if groups else None
    findings = tuple(
        ReportFinding("Disproportionality", f"Children recorded as {g} are "
                      f"{percent(audited[g], total_audits)}% of audits but "
                      f"{percent(cohort[g], total_cases)}% of the caseload.")
        for g in groups if total_audits >= 10 and total_cases
        and abs((percent(audited[g], total_audits) or 0)
                - (percent(cohort[g], total_cases) or 0)) >= 10)
    return ReportSection(
        key=f"{KEY}.disproportionality",
        title="Case file audits: disproportionality by ethnicity", order=90,
        figures=tuple(ReportFigure(f"{g}: audits / inadequate / caseload",
                                   f"{audited[g]} / {inadequate[g]} / {cohort[g]}")
                      for g in groups),
        chart=chart, findings=findings,
        narrative=(f"{total_audits} audits accepted, compared with a caseload of {total_cases} "
                   "children, by the ethnicity recorded on the case."))


# --- 10. Make a Difference -----------------------------------------------------------------------


def difference_section(context: ReportContext) -> ReportSection:
    rows = list(db.session.scalars(select(MakeADifference).where(
        MakeADifference.audit_id.in_(_ids(context)), MakeADifference.state == "published",
        context.during(MakeADifference.published_at)).order_by(MakeADifference.published_at)))
    return ReportSection(
        key=f"{KEY}.make_a_difference", title="Case file audits: Make a Difference", order=95,
        figures=(ReportFigure("Summaries published", len(rows)),),
        narrative=" ".join(r.summary for r in rows[:10])
        or "No Make a Difference summaries were published in this period.",
        findings=tuple(ReportFinding("What works", r.summary) for r in rows[:3]))


def report_sections(context: ReportContext) -> list[ReportSection]:
    return [compliance_section(context), grades_section(context), moderation_section(context),
            actions_section(context), reaudits_section(context), alerts_section(context),
            trends_section(context), quotas_section(context),
            disproportionality_section(context), difference_section(context)]
