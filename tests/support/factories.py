"""Small factories for the people, agencies and partnerships tests need."""

from __future__ import annotations

import secrets
from itertools import count

from core.auth.passwords import hash_password
from core.extensions import db
from core.identity.models import Agency, Membership, Partnership, Team, User, UserSession
from core.identity.roles import ROLES

PASSWORD = "tangerine lighthouse quarrel 47"
_seq = count(1)


def make_partnership(name: str | None = None, prefix: str | None = None) -> Partnership:
    n = next(_seq)
    p = Partnership(name=name or f"Partnership {n}", code_prefix=prefix or f"P{n}"[:4])
    db.session.add(p)
    db.session.flush()
    return p


def make_agency(*partnerships: Partnership, name: str | None = None,
                type: str = "childrens_services") -> Agency:
    a = Agency(name=name or f"Agency {next(_seq)}", type=type, partnerships=list(partnerships))
    db.session.add(a)
    db.session.flush()
    return a


def make_team(agency: Agency, name: str | None = None) -> Team:
    t = Team(agency=agency, name=name or f"Team {next(_seq)}")
    db.session.add(t)
    db.session.flush()
    return t


def make_user(role: str | None = None, where=None, *, email: str | None = None,
              name: str | None = None, password: str = PASSWORD, **fields) -> User:
    """A user, optionally with one membership: `where` is an Agency, Team or Partnership."""
    n = next(_seq)
    user = User(email=email or f"user{n}@example.test", name=name or f"Person {n}",
                password_hash=hash_password(password), **fields)
    db.session.add(user)
    db.session.flush()
    if role:
        add_role(user, role, where)
    return user


def add_role(user: User, role: str, where=None) -> Membership:
    scope = ROLES[role].scope
    m = Membership(role=role)
    db.session.add(m)  # in the session before it joins the user's list, so autoflush keeps it
    m.user = user
    if isinstance(where, Team):
        m.team, m.agency = where, where.agency
    elif isinstance(where, Agency):
        m.agency = where
    elif isinstance(where, Partnership):
        m.partnership = where
    if scope == "partnership" and m.partnership is None:
        raise ValueError(f"{role} needs a partnership")
    db.session.add(m)
    db.session.flush()
    return m


def login_as(client, user: User) -> str:
    """Sign `user` in on `client` without the sign-in form (MFA counted as done)."""
    import hashlib

    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(id=hashlib.sha256(token.encode()).hexdigest(), user_id=user.id))
    db.session.commit()
    with client.session_transaction() as sess:
        sess.clear()
        sess["sid"] = token
        sess["_user_id"] = str(user.id)
        sess["_fresh"] = True
    return token
