"""Workflow definitions: the declarative state machines plugins hand to core.

A plugin returns `WorkflowDefinition`s from `qa_register_workflows()`; core checks them at
start-up (`problems()`), and the engine (`core.workflow.engine`) applies them.

Who may fire a transition: a declared permission (`Transition.permission`), checked over the
instance's agency and partnership exactly as views check objects, so the role → permission map
and each membership's reach stay the one source of truth. Relations to the object ("the
assigned auditor", "not the person who submitted it") are guards: plain callables that know
the plugin's own tables and return a reason to refuse, or None.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core.identity.roles import MANAGEMENT_LINE, ROLES

Guard = Callable[[Any, Any], "str | None"]
Effect = Callable[[Any, Any], None]


@dataclass(frozen=True)
class Delay:
    """A length of time in working days OR hours (see `core.workflow.calendar`)."""

    working_days: int | None = None
    hours: int | None = None


@dataclass(frozen=True)
class EscalationStep:
    """Escalate to the holder of `role` on the management line, `after` the deadline.

    `role` is one of MANAGEMENT_LINE (team_manager ... director); the person is found from the
    instance's team and agency (line managers first, then the role in the team or agency).
    """

    role: str
    after: Delay = Delay(hours=0)


@dataclass(frozen=True)
class SlaRule:
    """A clock that runs while an instance is in a state: due in `working_days` or `hours`.

    `remind_before`: a reminder to `remind_roles` holders (and `owners(instance)` → user ids,
    e.g. the assigned auditor) that long before the deadline. `escalate_after`: the steps,
    in order, taken once each after the deadline has passed. `urgent`: its reminders and
    escalations are emailed at once whatever each person chose (a safety alert's response).
    `due`: instead of a span, a function `(instance, started_at) -> aware UTC datetime` for a
    deadline fixed by the calendar rather than by when the state began (a Regulation 44 report
    is due by the end of the month of the visit); reminders and escalations still count back
    and forward from it in working days or hours.
    """

    key: str
    label: str
    working_days: int | None = None
    hours: int | None = None
    remind_before: Delay | None = None
    remind_roles: tuple[str, ...] = ()
    owners: Callable[[Any], Sequence[int]] | None = None
    escalate_after: tuple[EscalationStep, ...] = ()
    urgent: bool = False
    due: Callable[[Any, datetime], datetime] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "remind_roles", tuple(self.remind_roles))
        object.__setattr__(self, "escalate_after", tuple(self.escalate_after))


@dataclass(frozen=True)
class State:
    """A state; `terminal` states end the workflow. `sla` clocks run while in this state."""

    key: str
    label: str
    terminal: bool = False
    sla: tuple[SlaRule, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "sla", tuple(self.sla))


@dataclass(frozen=True)
class Transition:
    """A move from any of `source` to `target`, allowed to holders of `permission`.

    `refusal` replaces the standard message when the user lacks the permission ("Only the QA
    team can accept a review"). `guards` return a reason to refuse or None; `effects` run
    inside the transaction after the state has changed.
    """

    key: str
    label: str
    source: tuple[str, ...]
    target: str
    permission: str
    refusal: str | None = None
    guards: tuple[Guard, ...] = ()
    effects: tuple[Effect, ...] = ()

    def __post_init__(self) -> None:
        source = (self.source,) if isinstance(self.source, str) else tuple(self.source)
        object.__setattr__(self, "source", source)
        object.__setattr__(self, "guards", tuple(self.guards))
        object.__setattr__(self, "effects", tuple(self.effects))


@dataclass(frozen=True)
class WorkflowDefinition:
    """A state machine. `key` starts with the plugin key ("single_agency.audit").

    `reference(instance)` gives the code shown in reminders and escalations (a case or audit
    code, never identity); `link(instance)` the path of the page to open (e.g.
    "/example/3"). Both are optional.
    """

    key: str
    states: tuple[State, ...]
    transitions: tuple[Transition, ...]
    initial: str
    label: str = ""
    reference: Callable[[Any], str] | None = None
    link: Callable[[Any], str] | None = None
    _index: dict[tuple[str, str], Any] = field(
        default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "states", tuple(self.states))
        object.__setattr__(self, "transitions", tuple(self.transitions))
        object.__setattr__(self, "label", self.label or self.key)
        self._index.update({("s", s.key): s for s in self.states})
        self._index.update({("t", t.key): t for t in self.transitions})

    def state(self, key: str) -> State:
        return self._index[("s", key)]

    def transition(self, key: str) -> Transition | None:
        return self._index.get(("t", key))

    def leaving(self, state: str) -> list[Transition]:
        """The transitions that may start from `state`, in declaration order."""
        return [t for t in self.transitions if state in t.source]


# --- validation -------------------------------------------------------------------------


def problems(wf: WorkflowDefinition, permissions: set[str]) -> list[str]:
    """Everything wrong with a definition, each as a sentence (empty when it is sound)."""
    found = _duplicates(wf) + _references(wf, permissions)
    if not found:
        found += _reachability(wf)
    for state in wf.states:
        found += [f"state '{state.key}': {p}" for rule in state.sla for p in _rule_problems(rule)]
    return found


def _duplicates(wf: WorkflowDefinition) -> list[str]:
    found = []
    for kind, keys in (("state", [s.key for s in wf.states]),
                       ("transition", [t.key for t in wf.transitions])):
        found += [f"{kind} '{k}' is declared twice" for k in sorted(set(keys))
                  if keys.count(k) > 1]
    return found


def _references(wf: WorkflowDefinition, permissions: set[str]) -> list[str]:
    states = {s.key for s in wf.states}
    found = [] if wf.initial in states else [f"initial state '{wf.initial}' is not declared"]
    for t in wf.transitions:
        found += [f"transition '{t.key}' starts from unknown state '{s}'"
                  for s in t.source if s not in states]
        if t.target not in states:
            found.append(f"transition '{t.key}' goes to unknown state '{t.target}'")
        if t.permission not in permissions:
            found.append(f"transition '{t.key}' needs undeclared permission '{t.permission}'")
    return found


def _reachability(wf: WorkflowDefinition) -> list[str]:
    reached, frontier = {wf.initial}, [wf.initial]
    while frontier:
        here = frontier.pop()
        for t in wf.leaving(here):
            if t.target not in reached:
                reached.add(t.target)
                frontier.append(t.target)
    found = [f"state '{s.key}' cannot be reached from '{wf.initial}'"
             for s in wf.states if s.key not in reached]
    found += [f"state '{s.key}' is not terminal but no transition leaves it"
              for s in wf.states if not s.terminal and not wf.leaving(s.key)]
    return found


def _rule_problems(rule: SlaRule) -> list[str]:
    found = []
    where = f"SLA '{rule.key}'"
    if rule.due is not None:
        if rule.working_days is not None or rule.hours is not None:
            found.append(f"{where} has a due function and a span: give one of them")
    elif _span_problem(rule):
        found.append(f"{where} needs working_days or hours (one of them, not negative)")
    if rule.remind_before is not None and _span_problem(rule.remind_before):
        found.append(f"{where}: remind_before needs working_days or hours")
    found += [f"{where}: unknown role '{r}' to remind" for r in rule.remind_roles
              if r not in ROLES]
    for i, step in enumerate(rule.escalate_after, start=1):
        if step.role not in MANAGEMENT_LINE:
            found.append(f"{where}: escalation step {i} names '{step.role}', which is not on "
                         f"the management line ({', '.join(MANAGEMENT_LINE)})")
        if _span_problem(step.after):
            found.append(f"{where}: escalation step {i} needs working_days or hours")
    return found


def _span_problem(span: Any) -> bool:
    values = [v for v in (span.working_days, span.hours) if v is not None]
    return len(values) != 1 or values[0] < 0
