"""Filtering the access log for information-governance officers, scoped to their reach."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, false, select

from core.accesslog.models import AccessLogEntry
from core.identity.access import reach
from core.identity.models import User
from core.timeutil import LONDON

PERMISSION = "accesslog.view"


@dataclass
class LogFilter:
    person: str = ""
    code: str = ""
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None


def _parse_date(text: str, field: str, errors: dict[str, str]) -> date | None:
    text = text.strip()
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    errors[field] = "Enter a real date, for example 27/03/2026"
    return None


def parse_filter(args) -> tuple[LogFilter, dict[str, str]]:
    """Read the filter form; errors are keyed by field id for the GOV.UK error summary."""
    errors: dict[str, str] = {}
    f = LogFilter(
        person=args.get("person", "").strip()[:254],
        code=args.get("code", "").strip().upper()[:40],
        action=args.get("action", "").strip()[:40],
        date_from=_parse_date(args.get("date_from", ""), "date_from", errors),
        date_to=_parse_date(args.get("date_to", ""), "date_to", errors),
    )
    if f.date_from and f.date_to and f.date_from > f.date_to:
        errors["date_to"] = "The end date must be the same as or after the start date"
    return f, errors


def _london_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LONDON)


def scoped_log(user) -> Select:
    """Entries of the partnerships the user reaches; entries of no partnership for admins only."""
    where = reach(user, PERMISSION)
    query = select(AccessLogEntry)
    if where.everything:
        return query
    if not where.partnership_ids:
        return query.where(false())
    return query.where(AccessLogEntry.partnership_id.in_(where.partnership_ids))


def filtered(user, f: LogFilter) -> Select:
    query = scoped_log(user)
    if f.person:
        query = query.where(AccessLogEntry.user_id.in_(
            select(User.id).where(User.email == f.person.lower())))
    if f.code:
        query = query.where(AccessLogEntry.object_code == f.code)
    if f.action:
        query = query.where(AccessLogEntry.action == f.action)
    if f.date_from:
        query = query.where(AccessLogEntry.at >= _london_midnight(f.date_from))
    if f.date_to:
        query = query.where(AccessLogEntry.at < _london_midnight(f.date_to + timedelta(days=1)))
    return query.order_by(AccessLogEntry.id.desc())
