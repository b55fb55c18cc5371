"""The object access matrix: every GET route with URL arguments x every role x three positions.

tests/security/test_access_matrix.py covers the pages without arguments. Here each route with
arguments (core and every enabled plugin) is aimed at one object of its kind owned by agency A
of partnership P1, built once per test by `Objects` below, and requested by each role held
(a) in A, (b) in agency B of the same partnership, (c) in agency C of partnership P2 (for
partnership roles: P1 and P2; the platform role has one position).

Expected, from the route's declared permission and the object's own `access_scope()`:
the role does not hold the permission at all → 403; it holds it and its membership covers the
object → a page (200), a redirect (302) or 400 (a needed choice is missing); it holds it but
not over this object → 403 or 404. Never 500. A route without a declared permission fails.
Pages that are someone's own (their export, notification) refuse everyone else; pages open to
any signed-in person that check a permission in the view are judged by that one (EFFECTIVE).

A few pages add a finer rule inside the scope (a named auditor, the case's own team, a state
the object has not reached): there an in-scope role may also be refused, unless it holds the
permission FINER names (FINER, each with its reason). A role without the declared permission
is refused by the decorator before the object is read, so that cell is asked at the role's
first position only. Routes in SKIP are not requested, each with its reason. A route whose
arguments the registry cannot fill fails the test: add its object to `Objects`/`ARGUMENTS`.
Roles run in groups of three (one build of the objects per group; xdist spreads the groups).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, timedelta
from functools import cached_property
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from werkzeug.routing import Rule

from core.extensions import db
from core.identity.access import AUTHENTICATED, PUBLIC, route_permission
from core.identity.models import Scope
from core.identity.roles import ROLES
from core.timeutil import utcnow
from tests.support import factories as f

ALLOWED = {200, 302, 400}
REFUSED = {403, 404}

SKIP: dict[str, str] = {
    "static": "static files, no object",
    "exports.download": "a ready file needs the export job to have run; exports.show covers "
                        "the same ownership check (_own)",
}
# Routes answered by an API token, not a session: the API tests and schemathesis cover them.
SKIP_PREFIXES = ("/api/",)

# A finer rule inside the scope: an in-scope role may also be refused here, unless it holds the
# named permission (None: any in-scope role may be refused). Each with the rule's reason.
_AUDIT = ("only its team, auditor, practitioner or moderator see an audit, and whoever holds "
          "single_agency.view_all in the council", "single_agency.view_all")
_VISIT = ("an independent visitor sees only the homes they are assigned to", "reg44.oversee")
_LADO = ("a referral is seen by the LADO service, its manager, the coordinator and the "
         "referral's auditors only (plugins/lado/access.py)", "lado.register")
FINER: dict[str, tuple[str, str | None]] = {
    "cases.reveal_identity": ("revealing needs cases.reveal_identity or an open assignment",
                              "cases.reveal_identity"),
    **dict.fromkeys((
        "single_agency.show", "single_agency.after_conversation", "single_agency.conversation",
        "single_agency.family", "single_agency.file_review", "single_agency.moderate",
        "single_agency.response", "single_agency.safety", "single_agency.summary",
        "single_agency.alert", "single_agency.dispute"), _AUDIT),
    **dict.fromkeys(("lado.referral", "lado.audit"), _LADO),
    "lado.reveal_adult": ("the adult's details are revealed to the LADO and the auditor of an "
                          "open audit only; the coordinator sees referrals coded",
                          "lado.register"),
    "multi_agency.report": ("the report is readable once the audit reaches consultation; "
                            "before that only its managers see the draft",
                            "multi_agency.manage"),
    "multi_agency.agency_return": ("an agency's return is shown to the managers, its own "
                                   "agency and, after consultation, the group",
                                   "multi_agency.manage"),
    "multi_agency.export_report": ("state: nothing to export before the report is readable",
                                   None),
    "multi_agency.export_plan": ("state: nothing to export before the audit has an action "
                                 "plan", None),
    **dict.fromkeys(("multi_agency.voice_list", "multi_agency.record_voice"),
                    ("only the worker named to gather the child's or parent's views",
                     "multi_agency.manage")),
    "practice_week.observation": ("an observation is seen by its observer, practitioner and "
                                  "the planners", "practice_week.plan"),
    "practice_week.development_file_page": (
        "a development file is open to the practitioner, their line management and the "
        "council's QA team (practice_week.oversee)", "practice_week.oversee"),
    "practice_week.document_file": (
        "a development file's documents are open to the file's readers only",
        "practice_week.oversee"),
    "practice_week.consent": ("only the observed practitioner gives consent", None),
    "practice_week.record": ("only the observer records the observation", None),
    "practice_week.reflect": ("only the observed practitioner reflects", None),
    **dict.fromkeys((
        "reg44.home", "reg44.visit", "reg44.report", "reg44.record", "reg44.section_carried",
        "reg44.section_children", "reg44.section_opinion", "reg44.section_people",
        "reg44.section_recommendations", "reg44.section_standards"), _VISIT),
    "reg44.report_pdf": ("state: the PDF exists once the visit's report is written", None),
    "reg44.respond": ("only the home's manager line responds to a recommendation", None),
    "reports.show": ("the partnership-wide report needs partnership reach; agency roles read "
                     "/reports/<p>?agency=<theirs>", None),
}

# Pages that belong to one person (made by world.tm_a): nobody else in the matrix may open them.
PERSONAL = {"exports.show", "notifications.show"}
# Pages open to any signed-in person whose view then checks a permission itself: that
# permission decides (a person without it gets 404, as for a missing object).
EFFECTIVE = {"actions.show": "actions.view", "actions.complete": "actions.view",
             "jobs.show": "jobs.view_all", "jobs.status": "jobs.view_all"}


def when(offset_days: int) -> date:
    return date.today() + timedelta(days=offset_days)


class Objects:
    """One object of every kind, owned by agency A in partnership P1, made on first use."""

    def __init__(self, world) -> None:
        self.w = world

    # --- core -----------------------------------------------------------------------------

    @cached_property
    def case(self):
        from core.cases.service import register_case

        identity = {"name": "Matrix Child", "date_of_birth": "2014-04-04",
                    "record_id": "MX-0001"}
        return register_case(self.w.p1, self.w.a, identity,
                             {"cohort": "child_in_need", "team_id": self.w.team_a.id,
                              "practitioner_id": self.w.practitioner_a.id}, None)

    @cached_property
    def attachment(self):
        import io

        from core.cases.attachments import store

        return store(self.case, "minutes.pdf", io.BytesIO(b"%PDF-1.4 matrix"), self.w.tm_a)

    def discard_files(self) -> None:
        """Take the stored files off disk again (the database is wiped after the test)."""
        from core.cases.attachments import discard
        from core.documents.service import discard_document

        if "attachment" in self.__dict__:
            discard(self.attachment)
        if "ma_briefing" in self.__dict__ and self.ma_briefing.document is not None:
            discard_document(self.ma_briefing.document)
        if "pw_document" in self.__dict__:
            discard_document(self.pw_document)

    @cached_property
    def plan(self):
        from core.actions.plans import create_plan

        return create_plan(self.w.p1, "Matrix plan", "", self.w.coordinator)

    @cached_property
    def action(self):
        from core.actions.service import ActionSource, raise_action

        return raise_action(partnership=self.w.p1, what="Matrix action", why="finding",
                            owner_agency=self.w.a, owner_user=self.w.tm_a, plan=self.plan,
                            by=self.w.coordinator, source=ActionSource("core", None, self.case))

    @cached_property
    def record(self):
        from core.loop.service import create_record

        return create_record(self.w.p1, {"title": "Matrix record"}, self.w.coordinator)

    @cached_property
    def case_import(self):
        from core.cases.models import CaseImport

        held = CaseImport(partnership_id=self.w.p1.id, agency_id=self.w.a.id,
                          uploaded_by_id=self.w.tm_a.id, rows=1)
        db.session.add(held)
        db.session.flush()
        return held

    @cached_property
    def job(self):
        from core.jobs.models import JobRecord

        job = JobRecord(name="core.retention", created_by=self.w.tm_a.id,
                        partnership_id=self.w.p1.id)
        db.session.add(job)
        db.session.flush()
        return job

    @cached_property
    def notification(self):
        from core.notifications import notify

        [note] = notify([self.w.tm_a], "example.event", "Matrix notification", "About a case")
        return note

    @cached_property
    def export(self):
        from core.exports.models import ExportFile

        export = ExportFile(kind="report", format="csv", partnership_id=self.w.p1.id,
                            permission="reports.view", created_by_id=self.w.tm_a.id,
                            status="ready", params='{"period": "annual"}', expires_at=utcnow())
        db.session.add(export)
        db.session.flush()
        return export

    @cached_property
    def tool(self):
        from core.tools.models import ToolVersion

        return db.session.scalars(db.select(ToolVersion).order_by(ToolVersion.id)).first()

    @cached_property
    def tool_domain(self) -> str:
        import json

        return json.loads(self.tool.definition)["domains"][0]["code"]

    @cached_property
    def note(self):
        from tests.fixtures.plugins.example.views import Note

        note = Note(agency_id=self.w.a.id, text="Matrix note")
        db.session.add(note)
        db.session.flush()
        return note

    # --- single_agency --------------------------------------------------------------------

    @cached_property
    def qa_a(self):
        return f.make_user("qa_officer", self.w.a, email="matrix.qa@example.test")

    @cached_property
    def sa_audit(self):
        import random

        from plugins.single_agency import cycles

        programme = cycles.create_programme(self.w.a)
        cycle = cycles.create_cycle(programme, "need_to_know", "Matrix", when(28),
                                    random.Random(7), self.qa_a, case_code=self.case.code)
        audit = cycle.audits[0]
        cycles.set_auditor(audit, self.w.hos_a)
        cycles.send(cycle, self.qa_a)
        db.session.flush()
        return audit

    @cached_property
    def sa_dispute(self):
        """A dispute needs an accepted audit: the plugin's own test helper carries it out."""
        import random

        from plugins.single_agency import disputes
        from tests.plugins.single_agency.helpers import complete

        complete(self.sa_audit, self.qa_a, random.Random(7), "requires_improvement")
        return disputes.raise_dispute(self.sa_audit, self.w.practitioner_a,
                                      "The planning grade ignores the January review.")

    @cached_property
    def sa_alert(self):
        from plugins.single_agency import alerts

        return alerts.raise_alert(self.sa_audit, "child_safety", "Matrix details", self.qa_a)

    # --- multi_agency ---------------------------------------------------------------------

    @cached_property
    def ma_audit(self):
        from plugins.multi_agency import group, programme, selection
        from plugins.multi_agency.clock import london_today

        values = programme.suggested(london_today())
        values.title, values.theme = "Matrix audit", "Neglect"
        values.terms_of_reference = "How agencies respond to neglect."
        values.cohort, values.sub_committee = "Children on plans", "QA sub-committee"
        audit = programme.plan_audit(self.w.p1, values, self.w.coordinator)
        group.add_participant(audit, self.w.a, self.w.coordinator)
        selection.select_case(audit, self.case.code, self.w.coordinator)
        db.session.flush()
        return audit

    @cached_property
    def ma_briefing(self):
        from plugins.multi_agency import programme

        pack = SimpleNamespace(filename="pack.pdf", stream=io.BytesIO(b"%PDF-1.7 matrix pack"))
        briefing = programme.add_briefing(self.ma_audit, "Matrix pack", None, None, pack,
                                          self.w.coordinator)
        db.session.flush()
        return briefing

    # --- lado -----------------------------------------------------------------------------

    @cached_property
    def lado_a(self):
        return f.make_user("lado", self.w.a, email="matrix.lado@example.test")

    @cached_property
    def referral(self):
        from plugins.lado import referrals

        values = {"referral_date": when(-30).strftime("%d/%m/%Y"), "sector": "education",
                  "category": "harm", "adult_role": "Teaching assistant",
                  "employer": "A school", "adult_identifier": "MX adult",
                  "lado": str(self.lado_a.id), "decision": "met",
                  "decision_date": when(-29).strftime("%d/%m/%Y")}
        return referrals.register(self.w.p1, values, self.lado_a, date.today())

    @cached_property
    def lado_audit(self):
        from plugins.lado import audits

        auditor = f.make_user("qa_officer", self.w.a, email="matrix.lado.qa@example.test")
        return audits.start_ad_hoc(self.referral, auditor.id, "Matrix reason",
                                   self.w.coordinator)

    @cached_property
    def lado_cycle(self):
        from plugins.lado.models import LadoAuditCycle

        cycle = LadoAuditCycle(reference="LC-MATRIX", partnership_id=self.w.p1.id,
                               title="Matrix cycle", period_start=when(-90),
                               period_end=when(-1), sample_mode="percent", sample_value=10)
        db.session.add(cycle)
        db.session.flush()
        return cycle

    # --- reg44 ----------------------------------------------------------------------------

    @cached_property
    def home(self):
        from plugins.reg44.models import Home

        home = Home(partnership_id=self.w.p1.id, agency_id=self.w.a.id, team=self.w.team_a,
                    name="Matrix house", kind="own", provider="Council",
                    manager_role="Registered manager", beds=4, frequency="monthly",
                    active=True)
        db.session.add(home)
        db.session.flush()
        return home

    @cached_property
    def visit(self):
        from plugins.reg44 import schedule

        visit = schedule.plan_visit(self.home, date.today().replace(day=1))
        db.session.flush()
        return visit

    @cached_property
    def recommendation(self):
        from plugins.reg44.models import Recommendation

        rec = Recommendation(visit_id=self.visit.id, home_id=self.home.id, number=1,
                             text="Matrix recommendation", standard="quality")
        db.session.add(rec)
        db.session.flush()
        return rec

    @cached_property
    def scrutiny(self):
        from plugins.reg44 import scrutiny
        from plugins.reg44.models import OfstedJudgement

        judgement = OfstedJudgement(home_id=self.home.id, judgement="inadequate",
                                    inspected_on=when(-7))
        db.session.add(judgement)
        db.session.flush()
        return scrutiny.open_scrutiny(self.home, judgement, self.w.coordinator)

    # --- practice_week --------------------------------------------------------------------

    @cached_property
    def week(self):
        from plugins.practice_week import schedule

        monday = when(14 - date.today().weekday())

        def day(name: str, d: date) -> dict[str, str]:
            return {f"{name}-day": str(d.day), f"{name}-month": str(d.month),
                    f"{name}-year": str(d.year)}

        form = {"title": "Matrix week", "theme": "Voice", "practitioner_views": "Asked for it",
                "tool_key": "practice_week.observation_pcf", **day("starts_on", monday),
                **day("ends_on", monday + timedelta(days=4))}
        week = schedule.create_week(self.w.a, form, self.qa_a)
        schedule.add_leader(week, {"leader": str(self.w.hos_a.id), "capacity": "hos"})
        return week

    @cached_property
    def observation(self):
        from plugins.practice_week import schedule

        on = self.week.starts_on + timedelta(days=1)
        form = {"observer": str(self.w.hos_a.id), "practitioner": str(self.w.practitioner_a.id),
                "event": "supervision", "starts": "10:00", "ends": "11:30",
                "on-day": str(on.day), "on-month": str(on.month), "on-year": str(on.year)}
        return schedule.schedule(self.w.a.id, self.w.p1.id, self.week, form, self.qa_a)

    @cached_property
    def pw_document(self):
        from plugins.practice_week import documents

        note = SimpleNamespace(filename="note.pdf", stream=io.BytesIO(b"%PDF-1.7 matrix note"))
        document = documents.add_document(self.w.practitioner_a.id, self.w.p1.id, note,
                                          self.w.practitioner_a)
        db.session.flush()
        return document

    # --- feedback -------------------------------------------------------------------------

    @cached_property
    def feedback_response(self):
        from plugins.feedback import calls

        day = when(-1)
        form = {"with_whom": "child", "outcome": "spoke", "summary": "Matrix summary",
                "contacted_day": str(day.day), "contacted_month": str(day.month),
                "contacted_year": str(day.year)}
        return calls.record_call(self.case, form, self.w.tm_a)

    @cached_property
    def feedback_alert(self):
        from plugins.feedback import alerts

        return alerts.raise_alert(self.feedback_response, ["talk"], [])


Filler = Callable[[Objects], tuple[Any, Any]]


def _id(name: str) -> Filler:
    return lambda o: (getattr(o, name).id, getattr(o, name))


def _value(value: Any, owner: str | None = None) -> Filler:
    return lambda o: (value, getattr(o, owner) if owner else None)


# (blueprint, argument) -> how to fill it: (URL value, the object whose scope it carries).
# Blueprint "*" applies to every blueprint without its own entry.
ARGUMENTS: dict[tuple[str, str], Filler] = {
    ("*", "code"): lambda o: (o.case.code, o.case),
    ("*", "action_id"): _id("action"),
    ("*", "plan_id"): _id("plan"),
    ("*", "record_id"): _id("record"),
    ("*", "import_id"): _id("case_import"),
    ("*", "job_id"): lambda o: (o.job.id, None),  # jobs.view_all sees every job
    ("*", "notification_id"): _id("notification"),
    ("*", "export_id"): _id("export"),
    ("*", "agency_id"): lambda o: (o.w.a.id, o.w.a),
    ("*", "team_id"): lambda o: (o.w.team_a.id, o.w.team_a),
    ("*", "user_id"): lambda o: (o.w.tm_a.id, o.w.tm_a),
    ("*", "partnership_id"): lambda o: (o.w.p1.id, o.w.p1),
    ("*", "key"): lambda o: (o.tool.key, None),
    ("*", "version"): lambda o: (o.tool.version, None),
    ("*", "attachment_id"): lambda o: (o.attachment.id, o.case),
    ("*", "token"): _value("not-a-real-token"),
    ("*", "mangled"): _value("a/b"),
    ("*", "fmt"): _value("csv"),
    ("tools", "code"): lambda o: (o.tool_domain, None),
    ("example", "note_id"): _id("note"),
    ("single_agency", "audit_id"): _id("sa_audit"),
    ("single_agency", "cycle_id"): lambda o: (o.sa_audit.cycle_id, o.sa_audit),
    ("single_agency", "dispute_id"): _id("sa_dispute"),
    ("single_agency", "alert_id"): _id("sa_alert"),
    ("multi_agency", "audit_id"): _id("ma_audit"),
    ("multi_agency", "briefing_id"): lambda o: (o.ma_briefing.id, o.ma_audit),
    ("multi_agency", "kind"): _value("child"),
    ("multi_agency", "fmt"): _value("xlsx"),
    ("lado", "reference"): lambda o: (o.referral.reference, o.referral),
    ("lado", "kind"): _value("annual"),
    ("reg44", "home_id"): _id("home"),
    ("reg44", "visit_id"): _id("visit"),
    ("reg44", "rec_id"): lambda o: (o.recommendation.id, o.visit),
    ("reg44", "scrutiny_id"): _id("scrutiny"),
    ("practice_week", "week_id"): _id("week"),
    ("practice_week", "observation_id"): _id("observation"),
    ("practice_week", "user_id"): lambda o: (o.w.practitioner_a.id, o.w.practitioner_a),
    ("practice_week", "document_id"): lambda o: (o.pw_document.id, o.w.practitioner_a),
    ("feedback", "response_id"): _id("feedback_response"),
    ("feedback", "alert_id"): _id("feedback_alert"),
}
# Endpoints whose argument means a different kind of object than elsewhere in the blueprint.
BY_ENDPOINT: dict[tuple[str, str], Filler] = {
    ("lado.audit", "reference"): lambda o: (o.lado_audit.reference, o.lado_audit),
    ("lado.cycle", "reference"): lambda o: (o.lado_cycle.reference, o.lado_cycle),
}


def filler(endpoint: str, argument: str) -> Filler | None:
    blueprint = endpoint.rsplit(".", 1)[0].split(".")[0]
    return (BY_ENDPOINT.get((endpoint, argument)) or ARGUMENTS.get((blueprint, argument))
            or ARGUMENTS.get(("*", argument)))


def object_routes(app: Flask) -> list[Rule]:
    rules = []
    for rule in app.url_map.iter_rules():
        if not rule.arguments or "GET" not in rule.methods or rule.endpoint in SKIP:
            continue
        if rule.rule.startswith(SKIP_PREFIXES):
            continue
        rules.append(rule)
    return sorted(rules, key=lambda r: r.rule)


def build(rule: Rule, objects: Objects) -> tuple[str, Any]:
    """The URL aimed at agency A's object, and the object whose scope decides the answer."""
    values, owner = {}, None
    for name in sorted(rule.arguments, key=rule.rule.index):
        fill = filler(rule.endpoint, name)
        assert fill is not None, (
            f"{rule.rule} ({rule.endpoint}) has argument '{name}' the matrix cannot fill: "
            "add its kind of object to Objects and ARGUMENTS")
        values[name], obj = fill(objects)
        owner = owner or obj
    return rule.build(values, append_unknown=False)[1], owner


def positions(role: str, world) -> dict[str, Any]:
    """Where the role is held: A, B, C for agency roles; P1, P2 for partnership roles."""
    scope = ROLES[role].scope
    if scope == "platform":
        return {"platform": None}
    if scope == "partnership":
        return {"P1": world.p1, "P2": world.p2}
    teams = role in ("practitioner", "team_manager")
    return {"A": world.team_a if teams else world.a, "B": world.team_b if teams else world.b,
            "C": world.team_c if teams else world.c}


def covers(where, owner) -> bool:
    """Whether a membership at `where` reaches `owner` (None: platform-wide, reaches all)."""
    if where is None or owner is None:
        return True
    assert hasattr(owner, "access_scope"), f"{owner!r} has no access_scope(): map its parent"
    scope: Scope = owner.access_scope()
    if hasattr(where, "code_prefix"):  # a partnership membership
        return where.id in scope.partnership_ids
    agency = getattr(where, "agency", where)
    return agency.id in scope.agency_ids


def expected(endpoint: str, needed: str, role: str, where, owner, registry) -> set[int]:
    if needed == PUBLIC:
        return ALLOWED | {404, 410}
    if endpoint in PERSONAL:
        return REFUSED
    if needed == AUTHENTICATED:
        needed = EFFECTIVE.get(endpoint, needed)
        if needed == AUTHENTICATED:
            return ALLOWED | REFUSED if covers(where, owner) else REFUSED
        if role not in registry.roles_with(needed):
            return REFUSED
    elif role not in registry.roles_with(needed):
        return {403}
    if not covers(where, owner):
        return REFUSED
    reason, unless = FINER.get(endpoint, (None, None))
    if reason and not (unless and role in registry.roles_with(unless)):
        return ALLOWED | REFUSED
    return ALLOWED


def decided_by_declaration(needed: str, role: str, registry) -> bool:
    """A role without the route's declared permission is refused (403) by the decorator before
    the view reads its arguments, so its answer cannot depend on where the object lives: such
    cells are asked at the role's first position only."""
    return needed not in (PUBLIC, AUTHENTICATED) and role not in registry.roles_with(needed)


def role_groups(size: int = 3) -> list[tuple[str, ...]]:
    """Roles in small groups: one build of the objects serves each group."""
    roles = sorted(ROLES)
    return [tuple(roles[i:i + size]) for i in range(0, len(roles), size)]


@pytest.mark.parametrize("roles", role_groups(), ids="+".join)
def test_every_object_page_answers_each_role_in_each_position(app, world, roles, capsys):
    registry = app.extensions["permissions"]
    objects = Objects(world)
    rules = object_routes(app)
    try:
        urls = []
        for rule in rules:
            needed = route_permission(app.view_functions[rule.endpoint])
            assert needed, f"{rule.rule} ({rule.endpoint}) declares no permission"
            urls.append((rule, needed, *build(rule, objects)))
        people = [(role, pos, where, f.make_user(role, where,
                                                 email=f"{role}.{pos}@matrix.example".lower()))
                  for role in roles for pos, where in positions(role, world).items()]
        db.session.commit()
        failures, asked = ask_everyone(app, world, registry, people, urls)
    finally:
        objects.discard_files()
    with capsys.disabled():
        print(f"\nobject access matrix [{', '.join(roles)}]: {len(rules)} routes x "
              f"{len(people)} role positions = {len(rules) * len(people)} cells, {asked} "
              f"requests, {len(failures)} failures")
        for line in failures:
            print(f"  {line}")
    assert failures == []


def ask_everyone(app, world, registry, people, urls) -> tuple[list[str], int]:
    """Each person asks for each URL; the answers that differ from `expected`, and the count."""
    client = app.test_client()
    failures, asked = [], 0
    for role, pos, where, person in people:
        f.login_as(client, person)
        first = pos == next(iter(positions(role, world)))
        for rule, needed, url, owner in urls:
            if not first and decided_by_declaration(needed, role, registry):
                continue
            status = client.get(url).status_code
            asked += 1
            want = expected(rule.endpoint, needed, role, where, owner, registry)
            if status not in want:
                failures.append(f"{url} ({rule.endpoint}, needs {needed}) as {role} in {pos}: "
                                f"{status}, expected {sorted(want)}")
    return failures, asked
