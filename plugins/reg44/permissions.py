"""What the plugin lets people do, and the roles that may do it unless a deployment says
otherwise. Reports of visits are OFFICIAL-SENSITIVE: they are seen by those who manage the
visits and the homes, the independent person who wrote them, and nobody else."""

from __future__ import annotations

from core.toolkit import Permission

VIEW = "reg44.view"
OVERSEE = "reg44.oversee"
MANAGE = "reg44.manage"
VISIT = "reg44.visit"
RESPOND = "reg44.respond"
DISTRIBUTE = "reg44.distribute"
DECIDE = "reg44.decide"
REPORTS = "reg44.reports"

MANAGERS = ("partnership_coordinator", "head_of_service", "qa_manager")
SENIOR = ("head_of_service", "assistant_director", "director")

PERMISSIONS = [
    Permission(VIEW, "Open the Regulation 44 pages (independent persons see only the homes "
                     "assigned to them)",
               (*MANAGERS, "qa_officer", "assistant_director", "director", "reg44_visitor")),
    Permission(OVERSEE, "See every children's home, Regulation 44 visit and report of your "
                        "agency or partnership",
               (*MANAGERS, "qa_officer", "assistant_director", "director")),
    Permission(MANAGE, "Register homes and placements, assign independent persons and plan "
                       "Regulation 44 visits", MANAGERS),
    Permission(VISIT, "Visit homes as a Regulation 44 independent person and write the report",
               ("reg44_visitor",)),
    Permission(RESPOND, "Record homes' responses to Regulation 44 recommendations",
               (*MANAGERS, "qa_officer", "reg44_visitor")),
    Permission(DISTRIBUTE, "Record who a Regulation 44 report was sent to",
               (*MANAGERS, "qa_officer", "reg44_visitor")),
    Permission(DECIDE, "Decide whether children placed with an inadequate provider move or stay",
               SENIOR),
    Permission(REPORTS, "See Regulation 44 reports for boards (figures and themes, no children)",
               (*MANAGERS, "assistant_director", "director", "board_member", "lead_member")),
]
