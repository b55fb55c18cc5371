"""The access matrix, generated from the app's own route map.

For every GET route without URL parameters by every role (held in agency A, or partnership P1 for
partnership roles), the expected answer follows from the permission the route declares and the
roles that permission is granted to: allowed → a page (200) or a redirect (302); not allowed →
403. Public routes answer everyone; no route answers 500; no route lacks a declaration (start-up
already refuses that). Routes with object ids are covered, for own agency, other agency and
other partnership, by tests/security/test_object_access_matrix.py (and the route walks).

All enabled plugins take part, so a plugin's new page joins the matrix without a line here.
"""

from __future__ import annotations

import pytest
from flask import Flask

from core.identity.access import AUTHENTICATED, PUBLIC, route_permission
from core.identity.roles import ROLES
from tests.support import factories as f

ALLOWED = {200, 302}
# Pages that end a session or start a flow, where a GET has a side effect worth skipping here.
SKIP = {"auth.logout"}


def parameterless_get_routes(app: Flask) -> list[tuple[str, str, str]]:
    rows = []
    for rule in app.url_map.iter_rules():
        if rule.arguments or "GET" not in rule.methods or rule.endpoint == "static":
            continue
        if rule.endpoint in SKIP or rule.rule.startswith("/api/"):
            continue
        needed = route_permission(app.view_functions[rule.endpoint])
        rows.append((rule.endpoint, rule.rule, needed))
    return sorted(rows)


def person_with(role: str, world):
    scope = ROLES[role].scope
    where = world.p1 if scope == "partnership" else None if scope == "platform" else world.a
    return f.make_user(role, where, email=f"{role}@matrix.example")


def expected(needed: str, role: str, registry) -> set[int]:
    if needed in (PUBLIC, AUTHENTICATED):
        return ALLOWED | {400}
    # 400: the page needs a choice passed to it (e.g. which case); still not a refusal
    return ALLOWED | {400} if role in registry.roles_with(needed) else {403}


@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_page_answers_each_role_as_its_permission_says(app, world, role, capsys):
    registry = app.extensions["permissions"]
    person = person_with(role, world)
    client = app.test_client()
    f.login_as(client, person)
    failures = []
    routes = parameterless_get_routes(app)
    for endpoint, url, needed in routes:
        status = client.get(url).status_code
        if status not in expected(needed, role, registry):
            failures.append(f"{url} ({endpoint}, needs {needed}) as {role}: {status}")
        f.login_as(client, person)  # a refused request may have changed nothing, but be sure
    with capsys.disabled():
        print(f"\naccess matrix [{role}]: {len(routes)} routes, {len(failures)} failures")
    assert failures == []


def test_signed_out_visitors_reach_only_public_pages(app):
    client = app.test_client()
    for endpoint, url, needed in parameterless_get_routes(app):
        status = client.get(url).status_code
        if needed == PUBLIC:
            assert status in ALLOWED | {400}, f"{url} ({endpoint}) refused a visitor: {status}"
        else:
            assert status in {302, 401}, f"{url} ({endpoint}) answered a visitor: {status}"
