"""Review and response: tagging feedback with themes, and recording "you said, we did".

Two people may tag the same response: the form carries the version it was opened at, and a
save against an older version is refused with the other person's themes kept, not lost.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from core.toolkit import Case, db
from plugins.feedback import clock
from plugins.feedback.models import FeedbackResponse, ResponseTheme, YouSaidWeDid
from plugins.feedback.questions import clean_text
from plugins.feedback.settings import themes

STALE = ("Someone else changed the themes after you opened this page, so your change was not "
         "saved. The themes below are theirs: choose yours again and save.")
MAX_TEXT = 5000


class ReviewInvalid(ValueError):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(errors))
        self.errors = errors


def set_themes(response: FeedbackResponse, chosen: Iterable[str], seen_version: str,
               user: Any) -> None:
    """Replace the response's themes with `chosen` (known themes only)."""
    if seen_version != str(response.version):
        raise ReviewInvalid({"themes": STALE})
    known = themes()
    unknown = [t for t in chosen if t not in known]
    if unknown:
        raise ReviewInvalid({"themes": "Choose themes from the list"})
    wanted = sorted(set(chosen))
    response.themes = [t for t in response.themes if t.theme in wanted]
    have = {t.theme for t in response.themes}
    response.themes += [ResponseTheme(theme=t) for t in wanted if t not in have]
    response.tagged_at, response.tagged_by_id = clock.now(), user.id
    db.session.flush()


def add_you_said(where: Case | FeedbackResponse, form: Mapping[str, str], user: Any,
                 ) -> YouSaidWeDid:
    """Record what was said and what changed, for a response or for a case's agency."""
    theme = form.get("theme", "")
    you_said, we_did = clean_text(form.get("you_said", "")), clean_text(form.get("we_did", ""))
    errors = {}
    if theme not in themes():
        errors["theme"] = "Select the theme"
    if not you_said:
        errors["you_said"] = "Write what children or families said"
    if not we_did:
        errors["we_did"] = "Write what was done about it"
    for name, text in (("you_said", you_said), ("we_did", we_did)):
        if len(text) > MAX_TEXT:
            errors[name] = f"Use {MAX_TEXT} characters or fewer"
    if errors:
        raise ReviewInvalid(errors)
    record = YouSaidWeDid(theme=theme, you_said=you_said, we_did=we_did, created_by_id=user.id,
                          created_at=clock.now(),
                          response_id=where.id if isinstance(where, FeedbackResponse) else None,
                          partnership_id=where.partnership_id, agency_id=where.agency_id,
                          team_id=where.team_id)
    db.session.add(record)
    db.session.flush()
    return record
