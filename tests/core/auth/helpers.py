"""Helpers for sign-in tests: the sign-in form, codes, people with MFA set up, events."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pyotp
from sqlalchemy import select

from core.auth import mfa
from core.extensions import db
from core.identity.models import SecurityEvent, User
from tests.support.factories import PASSWORD

# Every module that reads the time through a name imported from core.timeutil.
CLOCK_TARGETS = ("core.timeutil.utcnow", "core.auth.sessions.utcnow",
                 "core.identity.models.utcnow", "core.identity.security_log.utcnow")


class Clock:
    """A clock that stands still until a test moves it."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def sign_in(client, email: str, password: str = PASSWORD, next: str | None = None, **kw):
    url = "/sign-in" + (f"?next={quote(next, safe='')}" if next else "")
    return client.post(url, data={"email": email, "password": password}, **kw)


def enter_code(client, code: str):
    return client.post("/sign-in/code", data={"code": code})


def with_mfa(user: User, secret: str | None = None) -> tuple[str, list[str]]:
    """Give `user` an authenticator secret and recovery codes; returns both."""
    secret = secret or pyotp.random_base32()
    codes = mfa.enrol(user, secret, step=0)
    user.last_totp_step = None
    db.session.commit()
    return secret, codes


def code_now(secret: str, clock: Clock | None = None) -> str:
    totp = pyotp.TOTP(secret)
    return totp.at(clock.now) if clock else totp.now()


def events(name: str | None = None) -> list[SecurityEvent]:
    db.session.expire_all()
    query = select(SecurityEvent).order_by(SecurityEvent.id)
    if name:
        query = query.where(SecurityEvent.event == name)
    return list(db.session.scalars(query))


def fresh(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def without_nonce(html: str) -> str:
    return re.sub(r'nonce="[^"]*"', 'nonce=""', html)

