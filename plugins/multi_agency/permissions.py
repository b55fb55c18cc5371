"""The permissions the plugin checks and the roles that hold them by default.

An audit belongs to its partnership (the coordinator's reach) and to the agencies taking part
(the reach of their people), so each permission below is checked over the audit's scope.
"""

from __future__ import annotations

from core.toolkit import Permission

VIEW = "multi_agency.view"
MANAGE = "multi_agency.manage"
NOMINATE = "multi_agency.nominate"
RETURN = "multi_agency.return"
FAMILY_VOICE = "multi_agency.family_voice"
TRACK = "multi_agency.track"
EXPORT = "multi_agency.export"

COORDINATION = ("partnership_coordinator", "platform_admin")
AGENCY_LEADS = ("head_of_service", "assistant_director", "director", "qa_manager")
AUDITORS = ("agency_lead_auditor", "qa_officer", "qa_manager")
BOARD = ("board_member", *COORDINATION)


def declared() -> list[Permission]:
    return [
        Permission(VIEW, "See multi-agency audits of your partnership or your agency",
                   (*COORDINATION, *AGENCY_LEADS, *AUDITORS, "board_member")),
        Permission(MANAGE, "Plan multi-agency audits, select cases, run the consultation "
                           "meeting and write the report", COORDINATION),
        Permission(NOMINATE, "Nominate your agency's lead auditor for a multi-agency audit",
                   (*AGENCY_LEADS, *COORDINATION)),
        Permission(RETURN, "Complete your agency's multi-agency audit returns", AUDITORS),
        Permission(FAMILY_VOICE, "Record a child's or parent's views for a multi-agency audit",
                   ("qa_officer", "qa_manager", "practitioner", *COORDINATION)),
        Permission(TRACK, "Review a multi-agency audit's action plan (the sub-committee)",
                   BOARD),
        Permission(EXPORT, "Export multi-agency audit reports and action plans", BOARD),
    ]
