"""Making feedback links for a case and printing them as QR codes.

The token is shown once, on the page that made it (with its QR code to print); only its hash
is kept. Each press of "Create" carries a random form key, so pressing it twice, or reloading
the page, makes one link rather than two.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import qrcode
import qrcode.image.svg
from flask import current_app, url_for
from sqlalchemy import select

from core.toolkit import Case, ToolNotFound, db, get_tool
from plugins.feedback import clock, vocab
from plugins.feedback.models import FeedbackLink
from plugins.feedback.tokens import new_token, token_hash


class LinkInvalid(ValueError):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class MadeLink:
    link: FeedbackLink
    token: str | None  # None when the same form was sent again: the token was shown already


def check_choices(audience: str, occasion: str, days: str) -> dict[str, str]:
    errors = {}
    if audience not in vocab.AUDIENCES:
        errors["audience"] = "Select who the feedback is from"
    elif occasion not in vocab.occasions_for(audience):
        errors["occasion"] = "Select what the feedback is about"
    if days not in {str(d) for d in vocab.LINK_DAYS}:
        errors["days"] = "Select how long the link works for"
    return errors


def create_link(case: Case, audience: str, occasion: str, days: int, user: Any,
                request_key: str) -> MadeLink:
    """A new link (or the one this same form already made), in the caller's transaction."""
    earlier = db.session.scalar(select(FeedbackLink).filter_by(
        created_by_id=user.id, request_key=request_key))
    if earlier is not None:
        return MadeLink(earlier, None)
    key = vocab.tool_key_for(audience, occasion)
    try:
        tool = get_tool(key)
    except ToolNotFound:
        raise LinkInvalid({"audience": "This question set has no published version: ask "
                                       "the QA team to publish one"}) from None
    token, now = new_token(), clock.now()
    link = FeedbackLink(token_hash=token_hash(token), case_id=case.id, audience=audience,
                        occasion=occasion, tool_key=tool.key, tool_version=tool.version,
                        request_key=request_key, created_by_id=user.id, created_at=now,
                        expires_at=now + timedelta(days=days))
    link.place_from(case)
    db.session.add(link)
    db.session.flush()
    return MadeLink(link, token)


def withdraw(link: FeedbackLink) -> bool:
    """Stop a link working (a lost print-out); False if it was already answered."""
    if link.used_at is not None:
        return False
    link.withdrawn_at = link.withdrawn_at or clock.now()
    return True


def public_address(token: str) -> str:
    """The full address to give the child: under PUBLIC_URL, never the request's host."""
    path = url_for("feedback.public.answer", token=token)
    return current_app.config["PUBLIC_URL"].rstrip("/") + path


def qr_data_uri(address: str) -> str:
    """A QR code of `address` as an SVG data URI, drawn on the server (no script, no
    third party), for an <img> that prints crisply at any size."""
    image = qrcode.make(address, image_factory=qrcode.image.svg.SvgPathImage,
                        error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    svg = image.to_string(encoding="unicode")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")
