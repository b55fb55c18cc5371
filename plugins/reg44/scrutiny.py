"""Closer scrutiny of providers Ofsted judged inadequate (West Sussex QA activity table).

When a home's current judgement becomes inadequate, every child this authority has placed there
is flagged by case code and needs a recorded decision: move to alternative provision, or stay
with an action plan. Children placed there while the scrutiny is open are flagged too. Each
decision raises a safeguarding action in core's action tracker (owned by the placing agency)
so its delivery is tracked to completion; the scrutiny closes when every child has a decision.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.toolkit import (
    ActionSource,
    Membership,
    User,
    append_access_log,
    db,
    notify,
    raise_action,
    roles_with,
)
from plugins.reg44 import clock
from plugins.reg44.forms import Conflict, Reader
from plugins.reg44.models import FlaggedChild, Home, OfstedJudgement, Placement, Scrutiny
from plugins.reg44.permissions import DECIDE
from plugins.reg44.vocab import DECISIONS, OFSTED_JUDGEMENTS

KEY = "reg44"


def open_scrutiny_of(home: Home) -> Scrutiny | None:
    return db.session.scalar(select(Scrutiny).where(Scrutiny.home_id == home.id,
                                                    Scrutiny.closed_at.is_(None)).limit(1))


def open_scrutiny(home: Home, judgement: OfstedJudgement, by: Any) -> Scrutiny:
    """Flag every child currently placed at the home (joining an open scrutiny if there is
    one) and tell the people who decide."""
    scrutiny = open_scrutiny_of(home)
    if scrutiny is None:
        scrutiny = Scrutiny(home=home, partnership_id=home.partnership_id,
                            agency_id=home.agency_id, judgement=judgement, opened_at=clock.now())
        db.session.add(scrutiny)
        db.session.flush()
    flagged = [_flag(scrutiny, p) for p in home.current_placements()]
    append_access_log("reg44_scrutiny_opened", "reg44_scrutiny", scrutiny.reference, user=by,
                      partnership_id=home.partnership_id,
                      detail=f"home {home.id}; children flagged: {sum(1 for f in flagged if f)}")
    _tell_deciders(scrutiny)
    return scrutiny


def flag_new_placement(placement: Placement) -> FlaggedChild | None:
    """A child placed at a home under open scrutiny is flagged as well."""
    scrutiny = open_scrutiny_of(placement.home)
    return _flag(scrutiny, placement) if scrutiny is not None else None


def _flag(scrutiny: Scrutiny, placement: Placement) -> FlaggedChild | None:
    if any(c.case_id == placement.case_id for c in scrutiny.children):
        return None
    child = FlaggedChild(scrutiny=scrutiny, case_id=placement.case_id, flagged_at=clock.now())
    db.session.add(child)
    db.session.flush()
    return child


def deciders(home: Home) -> list[User]:
    """People who may decide for the home's children: the decision roles in its agency."""
    roles = roles_with(DECIDE)
    query = (select(User).join(Membership, Membership.user_id == User.id)
             .where(Membership.role.in_(roles), Membership.agency_id == home.agency_id)
             .distinct().order_by(User.id))
    return [u for u in db.session.scalars(query) if u.is_active]


def _tell_deciders(scrutiny: Scrutiny) -> None:
    home = scrutiny.home
    codes = ", ".join(c.case.code for c in scrutiny.children if c.decision is None)
    notify(deciders(home), "reg44.scrutiny_opened",
           f"Decision needed: children placed at an inadequate provider ({scrutiny.reference})",
           f"Ofsted judged {home.name} inadequate. Record a decision for each child placed "
           f"there: {codes or 'none at present'}.",
           link=f"/reg44/scrutiny/{scrutiny.id}", partnership_id=home.partnership_id,
           urgent=True)


def decide(child: FlaggedChild, form: Any, by: Any) -> None:
    """Record the decision for one flagged child and raise its action (raises `Invalid`)."""
    r = Reader(form)
    if r.version() != child.version:
        raise Conflict()
    decision = r.choice("decision", DECISIONS, "Select whether the child moves or stays")
    reason = r.text("reason", "the reasons for the decision", limit=4000, multiline=True)
    plan = r.text("action_plan", "the action plan", limit=4000, multiline=True,
                  required=decision == "stay")
    r.check()
    if child.decision is not None:
        raise Conflict()
    child.decision, child.reason, child.action_plan = decision, reason, plan
    child.decided_by_id, child.decided_at = by.id, clock.now()
    child.action_id = _raise(child, by).id
    _close_if_done(child.scrutiny)
    append_access_log("reg44_scrutiny_decision", "case", child.case.code, user=by,
                      partnership_id=child.scrutiny.partnership_id,
                      detail=f"{child.scrutiny.reference}: {decision}")
    db.session.flush()


def _raise(child: FlaggedChild, by: Any) -> Any:
    scrutiny, home, code = child.scrutiny, child.scrutiny.home, child.case.code
    judged = OFSTED_JUDGEMENTS[scrutiny.judgement.judgement].lower()
    why = (f"Ofsted judged {home.name} {judged} on "
           f"{scrutiny.judgement.inspected_on:%-d %B %Y}; decision recorded under "
           f"{scrutiny.reference}.")
    if child.decision == "move":
        what = f"Move {code} from {home.name} to alternative provision."
    else:
        what = f"Deliver the action plan for {code} staying at {home.name}: {child.action_plan}"
    return raise_action(partnership=home.partnership, what=what[:1000], why=why,
                        owner_agency=home.agency, priority="safeguarding",
                        source=ActionSource(KEY, scrutiny.reference, child.case), by=by)


def _close_if_done(scrutiny: Scrutiny) -> None:
    if all(c.decision is not None for c in scrutiny.children):
        scrutiny.closed_at = clock.now()
