"""What the plugin lets people do, and the roles that may do it by default.

Holding VIEW opens the pages; it does not open every observation. An observation record is a
practitioner's development record: only the practitioner, the observer, the practitioner's
line management and the QA team read it (`access.py`)."""

from __future__ import annotations

from core.toolkit import Permission

VIEW = "practice_week.view"
PLAN = "practice_week.plan"
OVERSEE = "practice_week.oversee"
OBSERVE = "practice_week.observe"
REQUEST = "practice_week.request"
REFLECT = "practice_week.reflect"
REPORTS = "practice_week.reports"
AUDIT = "practice_week.audit"

QA_TEAM = ("qa_officer", "qa_manager", "principal_social_worker")
MANAGERS = ("team_manager", "service_manager", "head_of_service", "assistant_director",
            "director")
LEADERS = (*MANAGERS, "lead_member", "principal_social_worker", "qa_manager")

PERMISSIONS = [
    Permission(VIEW, "Open the practice week pages and one's own observations",
               ("practitioner", *MANAGERS, "lead_member", *QA_TEAM)),
    Permission(PLAN, "Plan practice weeks and schedule observations of practice", QA_TEAM),
    Permission(OVERSEE, "Read every observation of practice of the council", QA_TEAM),
    Permission(OBSERVE, "Observe practice and write the observation record", LEADERS),
    Permission(REQUEST, "Request annual and ASYE observations for one's staff",
               (*MANAGERS, *QA_TEAM)),
    Permission(REFLECT, "Write one's own reflection on an observation of one's practice",
               ("practitioner", "team_manager", "service_manager")),
    Permission(AUDIT, "Audit cases during a practice week, with the family's views",
               (*LEADERS, *QA_TEAM)),
    Permission(REPORTS, "See practice week summaries and observation coverage",
               (*QA_TEAM, "head_of_service", "assistant_director", "director", "lead_member")),
]
