"""The plugin as a plugin: its tools, its report section, its routes walked with another
partnership's ids, and nothing left of it when it is switched off."""

from __future__ import annotations

from datetime import date

import pytest

from core.api.tokens import issue
from core.extensions import db
from core.identity.models import Agency
from core.plugins import installed_plugins
from core.reports.sections import ReportContext
from core.tools.registry import get_tool
from plugins.multi_agency import group, programme
from plugins.multi_agency.sections import audits_section
from plugins.multi_agency.toolset import CORE_TOOL, SECTIONS, current_tools
from tests.conftest import EXAMPLE
from tests.plugins.multi_agency.conftest import bearer
from tests.support import factories as f
from tests.support.factories import login_as


def test_each_agency_section_adds_to_the_shared_core_without_clashing(app):
    core = get_tool(CORE_TOOL)
    core_codes = {d.code for d in core.domains} | {q.code for _, q in core.questions()}
    for agency_type, key in SECTIONS.items():
        section = current_tools(agency_type).section
        assert section.key == key
        own = {d.code for d in section.domains} | {q.code for _, q in section.questions()}
        assert not own & core_codes, key
    assert current_tools("probation").section is None


def test_the_report_section_renders_on_an_empty_database(app, world):
    section = audits_section(ReportContext(world.p1, date(2026, 1, 1), date(2026, 12, 31)))
    assert section.key == "multi_agency.audits"
    assert section.figures[0].value == 0 and section.chart is None


def _foreign_audit(world):
    """An audit of partnership P2, for P1's people to aim at."""
    other = f.make_agency(world.p2, name="Southmere Police", type="police")
    coordinator = f.make_user("partnership_coordinator", world.p2, email="coord2@example.test")
    values = programme.suggested(date(2026, 1, 5))
    values.title, values.theme, values.terms_of_reference = "Southmere secret", "Neglect", "T"
    values.cohort, values.sub_committee = "CP", "QA"
    audit = programme.plan_audit(world.p2, values, coordinator)
    group.add_participant(audit, world.c, coordinator)
    group.add_participant(audit, other, coordinator)
    db.session.commit()
    return audit, other


def test_every_route_aimed_at_another_partnership_is_refused(app, world):
    audit, other = _foreign_audit(world)
    ids = {"audit_id": audit.id, "agency_id": other.id, "checkpoint_id": 1, "theme_id": 1,
           "briefing_id": 1, "code": "SM-XXXX-X", "kind": "child", "fmt": "xlsx"}
    client = app.test_client()
    login_as(client, world.coordinator)
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("multi_agency.")]
    assert len(rules) > 30
    for rule in rules:
        url = rule.build(ids, append_unknown=False)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            answer = client.open(url, method=method)
            assert "Southmere secret" not in answer.text
            if rule.arguments:
                assert answer.status_code in (403, 404), (method, url, answer.status_code)
            else:
                assert answer.status_code < 500, (method, url)


def test_the_api_aimed_at_another_partnership_is_404(app, client, world):
    audit, _ = _foreign_audit(world)
    lead = f.make_user("agency_lead_auditor", world.a, email="lead.a@example.test")
    _, token = issue(lead, world.a, "x", 5)
    db.session.commit()
    base = f"/api/v1/multi-agency/audits/{audit.reference}"
    for path in ("/tool", "/returns", "/cases/SM-XXXX-X/return"):
        assert client.get(base + path, headers=bearer(token)).status_code == 404


@pytest.mark.parametrize("path", ["/multi-agency/", "/multi-agency/new",
                                  "/multi-agency/family-views"])
def test_disabling_the_plugin_removes_its_pages(make_app, path):
    others = [p for p in sorted(installed_plugins(EXAMPLE)) if p != "multi_agency"]
    app = make_app(ENABLED_PLUGINS=others)
    with app.app_context():
        client = app.test_client()
        login_as(client, f.make_user("platform_admin"))
        assert client.get(path).status_code == 404


def test_disabling_the_plugin_removes_its_api_and_documentation(make_app):
    others = [p for p in sorted(installed_plugins(EXAMPLE)) if p != "multi_agency"]
    app = make_app(ENABLED_PLUGINS=others)
    with app.app_context():
        partnership = f.make_partnership("Westfield", "WF")
        agency = f.make_agency(partnership, name="Westfield Police", type="police")
        lead = f.make_user("agency_lead_auditor", agency)
        _, token = issue(lead, agency, "x", 5)
        db.session.commit()
        client = app.test_client()
        assert client.get("/api/v1/multi-agency/cases", headers=bearer(token)).status_code == 404
        spec = client.get("/api/v1/openapi.json", headers=bearer(token)).get_json()
        assert not [p for p in spec["paths"] if "multi-agency" in p]
        assert not [r for r in app.url_map.iter_rules() if "multi" in r.rule]
        assert db.session.get(Agency, agency.id) is not None
