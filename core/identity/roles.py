"""The roles a membership can carry (DOMAIN.md, "Who") and the reach of each.

A role's scope says what a membership with it covers: `platform` (everything), `partnership`
(every agency in the membership's partnership) or `agency` (the membership's own agency).
Roles in an activity (auditor, moderator, observer) are assignments made by plugins, not roles.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    key: str
    label: str
    scope: str  # "platform" | "partnership" | "agency"


ROLES: dict[str, Role] = {
    r.key: r
    for r in [
        Role("practitioner", "Practitioner (key worker or social worker)", "agency"),
        Role("team_manager", "Team manager", "agency"),
        Role("service_manager", "Service manager", "agency"),
        Role("head_of_service", "Head of service", "agency"),
        Role("assistant_director", "Assistant director", "agency"),
        Role("director", "Director of children's services", "agency"),
        Role("principal_social_worker", "Principal social worker", "agency"),
        Role("qa_officer", "QA officer", "agency"),
        Role("qa_manager", "QA manager", "agency"),
        Role("iro", "Independent reviewing officer or child protection chair", "agency"),
        Role("lado", "Local authority designated officer (LADO)", "agency"),
        Role("agency_lead_auditor", "Agency lead auditor", "agency"),
        Role("reg44_visitor", "Regulation 44 independent person", "agency"),
        Role("lead_member", "Lead member (councillor)", "agency"),
        Role(
            "partnership_coordinator",
            "Partnership coordinator (business manager)",
            "partnership",
        ),
        Role("board_member", "Board or sub-committee member", "partnership"),
        Role("ig_officer", "Information-governance officer", "partnership"),
        Role("platform_admin", "Platform administrator", "platform"),
    ]
}

# The management line escalations climb, lowest first (Haringey App. B; DOMAIN.md).
MANAGEMENT_LINE = (
    "team_manager",
    "service_manager",
    "head_of_service",
    "assistant_director",
    "director",
)

AGENCY_TYPES: dict[str, str] = {
    "childrens_services": "Children's services",
    "police": "Police",
    "health": "Health",
    "education": "Education",
    "probation": "Probation",
    "voluntary": "Voluntary sector",
    "other": "Other",
}


def role_label(key: str) -> str:
    role = ROLES.get(key)
    return role.label if role else key
