"""Every hook a plugin may implement: the contract between core and the QA activities.

Hooks are grouped as registration (called once at start-up), contributions (called per request
or per report) and events (called when something happens; results ignored). Arguments are
keyword-only objects; a plugin's implementation may accept any subset of them. Plugins return
the dataclasses from `core.toolkit` (re-exported from `core.contributions`), never HTML.

Core calls these through the small wrappers in `core/plugins.py`, which check each result's type
and name the plugin that returned something wrong. The reference in the README is generated from
these docstrings (`flask plugins hooks`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import click
    from flask import Blueprint, Flask

    from core.contributions import (
        CasePanel,
        DashboardCard,
        FamilyFeedback,
        JobType,
        NavItem,
        Permission,
        PluginInfo,
        ScheduledJob,
        ToolSource,
    )
    from core.reports.sections import ReportContext, ReportSection
    from core.workflow.machine import WorkflowDefinition

PROJECT = "partnership_audit"
hookspec = pluggy.HookspecMarker(PROJECT)


# --- Registration: called once while the app is created ------------------------------------


@hookspec
def qa_describe() -> PluginInfo:
    """Say who the plugin is.

    Called: once per plugin at start-up, before any other hook, and by `flask plugins list` for
    installed plugins that are not enabled.
    Returns: a `PluginInfo` whose `key` equals the plugin's entry-point name. Every plugin must
    implement it.
    Example: ``return PluginInfo(key="lado", name="LADO audits", version="1.0.0")``
    """


@hookspec
def qa_register_permissions() -> list[Permission]:
    """Declare the permissions the plugin checks, with the roles that hold them by default.

    Called: once at start-up. Names must start with the plugin key and a dot
    (``"lado.audit"``); two plugins declaring the same name stop start-up.
    Returns: a list of `Permission`.
    Example: ``return [Permission("lado.view", "See LADO audits", ("lado",))]``
    """


@hookspec
def qa_register_blueprints(app: Flask) -> list[Blueprint]:
    """Give the Flask blueprints that serve the plugin's pages.

    Called: once at start-up, only for enabled plugins, so a disabled plugin's URLs are 404.
    Parameters: `app`, the application being built (read its config; do not register anything
    on it yourself).
    Returns: a list of blueprints whose names start with the plugin key; every view in them
    must be wrapped in `toolkit.permission_required(...)` or `toolkit.public` or start-up fails.
    """


@hookspec
def qa_register_api_blueprints() -> list[Any]:
    """Give the REST API endpoints the plugin serves to partner agencies.

    Called: once at start-up, only for enabled plugins.
    Returns: a list of `toolkit.ApiBlueprint` (flask-smorest blueprints) whose names start with
    the plugin key; each is mounted at `/api/v1` + its `url_prefix` and documented in the OpenAPI
    document. Every view must be wrapped in `toolkit.api_permission_required(...)` (bearer
    token, then the permission) or start-up fails; POST views that create things should also be
    wrapped in `toolkit.idempotent` (and must not commit: it commits). Scope every query to
    `toolkit.current_api_agency()`. Errors are answered as RFC 9457 problem details by core.
    """


@hookspec
def qa_register_job_types() -> list[JobType]:
    """Declare the background jobs the plugin enqueues with `toolkit.enqueue(name, ...)`.

    Called: once at start-up. Names must start with the plugin key and a dot.
    Returns: a list of `JobType`; `func` must be importable by the worker (a module-level
    function) and take opaque ids only.
    """


@hookspec
def qa_register_scheduled_jobs() -> list[ScheduledJob]:
    """Declare periodic work (monthly allocations, reminders, escalations, purges).

    Called: once at start-up. Each entry names one of the plugin's job types and a cron
    expression read on the Europe/London clock; the scheduler records each run so a slot is
    never enqueued twice.
    Returns: a list of `ScheduledJob`.
    Example: ``return [ScheduledJob("lado.quarterly", "lado.report", "0 6 1 */3 *")]``
    """


@hookspec
def qa_register_commands() -> list[click.Command]:
    """Add `flask` command-line commands (click commands or groups).

    Called: once at start-up, only for enabled plugins.
    Returns: a list of click commands; names must start with the plugin key.
    """


@hookspec
def qa_register_tools() -> list[ToolSource]:
    """Point core at the plugin's audit tool definitions (YAML or JSON files).

    Called: once at start-up, only for enabled plugins. Every file is checked against the tool
    schema; a bad file, a key not starting with the plugin key and a dot, or a key + version
    defined twice stops start-up with the file, the path inside it and the reason. Valid tools
    are then copied into the versioned tool table; changing a file without raising its
    `version` also stops start-up.
    Returns: a list of `ToolSource`, each a file or a folder of tool files inside the plugin.
    Example: ``return [ToolSource(Path(__file__).parent / "tools")]``
    """


@hookspec
def qa_register_workflows() -> list[WorkflowDefinition]:
    """Declare the plugin's workflows: states, transitions, who may fire them, SLA clocks.

    Called: once at start-up, only for enabled plugins. Keys must start with the plugin key and
    a dot; a key claimed twice, a transition to or from an undeclared state, an unreachable
    state, a missing initial state, an undeclared permission or an escalation role off the
    management line stops start-up with the plugin and workflow named.
    Returns: a list of `WorkflowDefinition`; start instances with `toolkit.start_workflow` and
    move them with `toolkit.fire`.
    Example: ``return [WorkflowDefinition("lado.referral", states, transitions, "open")]``
    """


# --- Contributions: called per request ------------------------------------------------------


@hookspec
def qa_navigation_contributions(user: Any) -> list[NavItem]:
    """Offer entries for the service navigation.

    Called: on every page render, for the signed-in `user` (anonymous users get no navigation).
    Core shows an item only when the user holds its `permission`.
    Returns: a list of `NavItem`.
    """


@hookspec
def qa_dashboard_contributions(user: Any) -> list[DashboardCard]:
    """Offer cards for the home dashboard.

    Called: when the signed-in `user` opens the home page. Core shows a card only when the
    user holds its `permission`. Counts must already be scoped to what the user may see.
    Returns: a list of `DashboardCard`.
    """


@hookspec
def qa_report_sections(context: ReportContext) -> list[ReportSection]:
    """Contribute sections to a quality assurance report.

    Called: each time a report is built (the report page, and each PDF, XLSX or CSV export),
    only for enabled plugins, after core's own sections (completion, grade mix, moderation,
    actions) and before core groups every section's findings into the themes section.
    Parameters: `context`, a `ReportContext`: `partnership` (always), `agency` and `team` (when
    the report is narrowed to them), `start` and `end` (London dates, both included),
    `period` ("monthly", "quarterly", "annual" or "custom") and `user` (who it is built for:
    count only what they may see). `context.during(column)` and `context.placed(partnership_id,
    agency_id, team_id)` give the SQL conditions for the period and the place (a column not
    given matches nothing in an agency's or team's report).
    Returns: a list of `ReportSection` (possibly empty) whose keys start with the plugin key and
    a dot; each holds `ReportFigure`s, an optional `ReportChart` (core draws it as SVG with a
    table of the same numbers), narrative text and `ReportFinding`s. Data only, never HTML;
    case codes only, never identity. The section must render on an empty database.
    Example: ``return [ReportSection("lado.referrals", "LADO referrals",
    figures=(ReportFigure("Referrals", 12),))]``
    """


@hookspec
def qa_case_panels(case: Any, user: Any, asking: str) -> list[CasePanel]:
    """Offer what the plugin knows about one case to another activity's page of that case.

    Called: when a plugin's page about a single case (an audit, a case review) calls
    `toolkit.case_panels(case, asking="<its key>")`, for the signed-in `user`; every enabled
    plugin except the asking one is asked. Lets activities show each other's work without
    importing each other (the child's and family's feedback inside a single-agency audit).
    Parameters: `case`, the coded `Case`; `user`, who will see the page; `asking`, the key of
    the plugin whose page it is.
    Returns: a list of `CasePanel` (possibly empty) whose keys start with the plugin key and a
    dot. Core shows a panel only to people holding its `permission` over the case and drops
    item and action links that are not relative paths. Data only, never HTML; case codes
    only, never identity.
    Example: ``return [CasePanel("feedback.case", "Child and family feedback",
    "feedback.view", items=(PanelItem("3 March 2026", "Child, 8 to 12: happy"),))]``
    """


# --- Events: results are ignored --------------------------------------------------------------


@hookspec
def qa_on_user_created(user: Any) -> None:
    """React to a new person being added (by the admin pages, CSV import or the CLI).

    Called: after the person's row is flushed, inside the same transaction, so anything the
    plugin writes commits or rolls back with it.
    """


@hookspec
def qa_on_case_destroyed(case: Any) -> None:
    """Destroy the plugin's narrative and identity about a case whose retention has run out.

    Called: by the retention job, inside the transaction that destroys the case's identity, so a
    failure in any plugin leaves everything as it was. Keep non-identifying aggregates (grades,
    counts, dates) for trend reports; remove free text and anything identifying.
    """


@hookspec
def qa_on_transition(instance: Any, transition: Any, user: Any) -> None:
    """React to a workflow instance moving to a new state (notify, update the plugin's rows).

    Called: after `toolkit.fire` has applied `transition` (a `Transition`) to `instance` (a
    `WorkflowInstance`, already in its new state, the move logged and its clocks restarted),
    inside the same transaction: anything the plugin writes commits or rolls back with it.
    `user` is who fired it. Every plugin is told about every workflow; check
    `instance.workflow` before acting.
    """


@hookspec
def qa_on_sla_reminder(instance: Any, clock: Any, recipients: list[Any]) -> None:
    """React to a reminder that a deadline is near.

    Called: by the SLA sweep, once per clock, when the clock enters its `remind_before` window,
    inside the sweep's transaction for that clock. `clock` is the `SlaClock` (`rule`, `due_at`);
    `recipients` the users reminded (may be empty).
    """


@hookspec
def qa_on_sla_breached(instance: Any, clock: Any, level: int, recipients: list[Any]) -> None:
    """React to a deadline passing and to each escalation that follows.

    Called: by the SLA sweep inside its transaction for the clock: once with `level` 0 when the
    deadline passes (`recipients` empty), then once per escalation step with `level` 1, 2, ...
    and the users on the management line it went to. Never twice for the same level.
    """


@hookspec
def qa_on_action_overdue(action: Any) -> None:
    """React to an action passing its due date without being completed.

    Called: by the morning overdue check (job "core.actions_overdue"), once per action and due
    date, when its owner is first told it is overdue, inside the transaction that records the
    notice: anything the plugin writes commits or rolls back with it. Moving the due date and
    missing it again calls it again. `action` is the `Action` (`reference`, `source_activity`,
    `source_ref`, `case`, `owner_agency`, `owner_user`, `due_date`, `priority`, `status`).
    Every plugin is told about every action; check `action.source_activity` before acting.
    Example: ``if action.source_activity == "lado": flag_audit(action.source_ref)``
    """


@hookspec
def qa_on_family_feedback(feedback: FamilyFeedback) -> None:
    """React to a conversation with a child or family that another activity recorded.

    Called: when a plugin calls `toolkit.share_family_feedback(...)`, typically as an auditor
    records the telephone call to the family that each audit asks for (spoke to them, they
    declined, could not reach them), inside the caller's transaction: anything written
    commits or rolls back with the contact. `feedback` is a `FamilyFeedback` (case,
    activity, reference, with_whom, outcome, contacted_on, summary, recorded_by); the same
    activity and reference may be shared again after an edit, so treat it as an upsert.
    """


# --- Answers: core asks, plugins may say yes ----------------------------------------------------


@hookspec
def qa_may_reveal_identity(user: Any, case: Any) -> bool | None:
    """Say whether `user` may reveal the identity behind `case` (e.g. the LADO for LADO cases).

    Called: when someone asks to reveal a case's identity and core's own rule (the partnership
    coordinator, or an open assignment to the case) has not already allowed it. Any plugin
    answering True allows the reveal; None or False leaves the decision to the others. The reveal
    still needs a reason and is still logged.
    """


@hookspec(firstresult=True)
def qa_replaces_monthly_cycle(agency: Any, year: int, month: int) -> str | None:
    """Say that another activity takes the place of a council's monthly audit cycle.

    Called: when an activity is about to draw a council's monthly cycle (the single-agency
    plugin's monthly case file audits), through `toolkit.monthly_cycle_replaced_by(agency,
    year, month)`. `agency` is the council's `Agency`; `year` and `month` name the cycle's
    month. Lets one activity stand in for another's month (a practice week replaces that
    month's case file audits, Haringey) without either importing the other; with the
    answering plugin disabled, the cycle is drawn as usual.
    Returns: a short description of what replaces the cycle, with no identity ("Practice week
    PW-0003"), or None to leave the cycle alone. First result wins.
    Example: ``return "Practice week PW-0001" if week_planned(agency, year, month) else None``
    """
