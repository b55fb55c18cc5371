"""X-Forwarded-* are believed only from configured proxies (PROXY_HOPS), never from a client.

With no proxy (the default) a spoofed X-Forwarded-For changes neither the sign-in rate-limit
key nor the address in the security and access logs; behind one proxy the address the proxy
appended is used, and anything a client put before it is still ignored.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select
from werkzeug.middleware.proxy_fix import ProxyFix

from core.accesslog.models import AccessLogEntry
from core.app import _trust_proxies
from core.extensions import db
from core.identity.models import SecurityEvent
from tests.support import factories as f

REAL = "198.51.100.7"
SPOOF = "203.0.113.9"


def _client(app):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = REAL
    return client


def _sign_in(client, forwarded: str, email: str = "nobody@example.test"):
    return client.post("/sign-in", data={"email": email, "password": "wrong password"},
                       headers={"X-Forwarded-For": forwarded})


def _failure_ip(make_app, hops: int, forwarded: str) -> str | None:
    app = make_app(PROXY_HOPS=hops)
    with app.app_context():
        user = f.make_user("practitioner", f.make_agency(f.make_partnership()))
        db.session.commit()
        _sign_in(_client(app), forwarded, user.email)
        db.session.expire_all()
        return db.session.scalar(select(SecurityEvent.ip).where(
            SecurityEvent.event == "login_failed", SecurityEvent.user_id == user.id))


def test_without_a_proxy_a_spoofed_address_does_not_escape_the_sign_in_limit(make_app):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="2 per minute")
    client = _client(app)
    statuses = [_sign_in(client, f"203.0.113.{n}").status_code for n in (9, 10, 11)]
    assert statuses == [200, 200, 429]


def test_behind_one_proxy_the_limit_counts_the_forwarded_client(make_app):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="2 per minute", PROXY_HOPS=1)
    client = _client(app)
    statuses = [_sign_in(client, forwarded).status_code
                for forwarded in (SPOOF, SPOOF, "203.0.113.10", SPOOF)]
    assert statuses == [200, 200, 200, 429]


def test_without_a_proxy_the_security_log_records_the_real_address(make_app):
    assert _failure_ip(make_app, 0, SPOOF) == REAL


def test_behind_one_proxy_the_security_log_records_the_forwarded_address(make_app):
    assert _failure_ip(make_app, 1, SPOOF) == SPOOF


def test_behind_one_proxy_what_a_client_puts_before_the_proxy_entry_is_ignored(make_app):
    assert _failure_ip(make_app, 1, f"10.6.6.6, {SPOOF}") == SPOOF


@pytest.mark.parametrize(("hops", "logged"), [(0, REAL), (1, SPOOF)])
def test_the_access_log_records_the_trusted_address(app, world, hops, logged):
    app.config["PROXY_HOPS"] = hops
    _trust_proxies(app)  # as create_app does with the setting
    client = _client(app)
    f.login_as(client, world.admin)
    assert client.get("/access-log/export.csv",
                      headers={"X-Forwarded-For": SPOOF}).status_code == 200
    db.session.expire_all()
    entry = db.session.scalar(select(AccessLogEntry).where(
        AccessLogEntry.action == "accesslog_exported"))
    assert entry.ip == logged


def test_forwarded_host_and_prefix_are_never_trusted(make_app):
    app = make_app(PROXY_HOPS=2)
    assert isinstance(app.wsgi_app, ProxyFix)
    assert (app.wsgi_app.x_for, app.wsgi_app.x_proto) == (2, 2)
    assert (app.wsgi_app.x_host, app.wsgi_app.x_port, app.wsgi_app.x_prefix) == (0, 0, 0)
    assert not isinstance(make_app().wsgi_app, ProxyFix)


@pytest.mark.parametrize("bad", [-1, "1", True])
def test_a_bad_proxy_hops_setting_is_refused_by_name(make_app, bad):
    with pytest.raises(ValueError, match="PROXY_HOPS"):
        make_app(PROXY_HOPS=bad)
