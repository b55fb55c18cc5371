"""The submission deadline as people in England read it, and whether a return came in late.

The deadline is a London date; a return is on time if it was submitted before the end of
that day in London (midnight British time, which in summer is 23:00 UTC the day before the
calendar turns in UTC). Nothing here blocks a late return: the coordinator decides what to
do with it; these functions only say so on the pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from plugins.multi_agency.clock import LONDON, london_date, london_today
from plugins.multi_agency.models import MultiAgencyAudit, MultiAgencyReturn


def gov_date(day: date) -> str:
    """A date in GOV.UK style, like "12 March 2027" (no leading zero)."""
    return f"{day.day} {day:%B %Y}"


def deadline_ends(audit: MultiAgencyAudit) -> datetime | None:
    """The UTC moment the deadline day ends in London (None while no deadline is set)."""
    if audit.submission_deadline is None:
        return None
    next_day = audit.submission_deadline + timedelta(days=1)
    return datetime.combine(next_day, time(0), tzinfo=LONDON).astimezone(UTC)


def submitted_late(ret: MultiAgencyReturn | None) -> bool:
    """True when the return was submitted after the end of the deadline day in London."""
    if ret is None or ret.submitted_at is None:
        return False
    ends = deadline_ends(ret.audit_case.audit)
    return ends is not None and ret.submitted_at >= ends


@dataclass(frozen=True)
class Deadline:
    """What a page says about the deadline: its London date and whether it has passed."""

    day: date
    passed: bool

    @property
    def label(self) -> str:
        return gov_date(self.day)


def deadline_of(audit: MultiAgencyAudit, today: date | None = None) -> Deadline | None:
    """The audit's deadline; it has passed once the London day after it has begun."""
    if audit.submission_deadline is None:
        return None
    today = today or london_today()
    return Deadline(audit.submission_deadline, today > audit.submission_deadline)


def submitted_on(ret: MultiAgencyReturn | None) -> date | None:
    """The London date a return was submitted (None if it is not submitted)."""
    return london_date(ret.submitted_at) if ret is not None and ret.submitted else None
