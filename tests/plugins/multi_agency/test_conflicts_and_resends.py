"""A lead auditor who declared a conflict on a case reads no return on it before the meeting;
partner systems that resend a whole return do not pile up withheld-information records; blank
answers are refused by field; auditors find their cases while the audit is being planned; a
started return's tool versions can be fetched."""

from __future__ import annotations

from sqlalchemy import func, select

from core.cases.models import WithheldInformation
from core.extensions import db
from core.tools.editing import copy_to_draft, publish
from core.tools.models import ToolVersion
from plugins.multi_agency import group, lifecycle
from plugins.multi_agency.clock import london_today
from plugins.multi_agency.returns import save_return
from plugins.multi_agency.toolset import CORE_TOOL
from tests.plugins.multi_agency.conftest import bearer, complete, start

API = "/api/v1/multi-agency"


def _return_path(audit, selected) -> str:
    return f"{API}/audits/{audit.reference}/cases/{selected.code}/return"


def _with_substitute(audit, ma):
    """Bo (police lead) is conflicted on the first case; Sam audits it and submits."""
    selected = audit.cases[0]
    start(audit, ma, conflicts={ma.lead_b.id: (selected.code,)})
    group.name_substitute(audit, selected, ma.b.id, ma.spare_b, ma.coordinator)
    group.declare(audit, selected, ma.spare_b, False)
    save_return(audit, selected, ma.b.id, ma.spare_b,
                complete("police", overall="requires_improvement"), submit=True)
    db.session.commit()
    return selected


def test_a_conflicted_lead_reads_no_return_on_the_case_before_the_meeting(audit, ma, login,
                                                                          tokens):
    selected = _with_substitute(audit, ma)
    page = f"/multi-agency/{audit.id}/cases/{selected.code}/returns/{ma.b.id}"
    lead = login(ma.lead_b)
    refused = lead.get(page)
    assert refused.status_code == 403 and "conflict of interest" in refused.text
    assert "Requires improvement" not in refused.text
    case_page = lead.get(f"/multi-agency/{audit.id}/cases/{selected.code}").text
    assert "You declared a conflict of interest on this case" in case_page
    assert "Requires improvement" not in case_page
    answer = lead.get(_return_path(audit, selected), headers=bearer(tokens.lead_b))
    assert answer.status_code == 403
    assert "conflict of interest" in answer.get_json()["detail"]
    # The substitute and the coordinator read it; the lead reads it on an unconflicted case.
    assert login(ma.spare_b).get(page).status_code == 200
    assert login(ma.coordinator).get(page).status_code == 200
    other = audit.cases[1]
    save_return(audit, other, ma.b.id, ma.lead_b, complete("police"), submit=False)
    db.session.commit()
    assert lead.get(_return_path(audit, other), headers=bearer(tokens.lead_b)).status_code == 200


def test_after_the_meeting_the_conflicted_lead_reads_it_like_everyone(audit, ma, login):
    selected = _with_substitute(audit, ma)
    lifecycle.record_consultation(audit, london_today(), london_today(), ma.coordinator)
    db.session.commit()
    page = f"/multi-agency/{audit.id}/cases/{selected.code}/returns/{ma.b.id}"
    assert login(ma.lead_b).get(page).status_code == 200


def _withheld_count() -> int:
    return db.session.scalar(select(func.count(WithheldInformation.id)))


def test_resending_the_whole_return_records_each_withheld_fact_once(client, audit, ma, tokens):
    start(audit, ma)
    selected = audit.cases[1]
    fact = {"basis": "significant_harm", "decided_by": "DI, PPU"}
    first = client.post(_return_path(audit, selected), json={"withheld": [fact]},
                        headers=bearer(tokens.lead_b, key="resend-1"))
    assert first.status_code == 201
    again = client.post(_return_path(audit, selected),
                        json={"withheld": [{**fact, "decided_by": " DI, PPU "}, fact],
                              "version": first.get_json()["version"]},
                        headers=bearer(tokens.lead_b, key="resend-2"))
    assert again.status_code == 200
    assert _withheld_count() == 1
    assert len(again.get_json()["withheld"]) == 1
    other = {"basis": "significant_harm", "decided_by": "DCI, PPU"}
    third = client.post(_return_path(audit, selected),
                        json={"withheld": [fact, other],
                              "version": again.get_json()["version"]},
                        headers=bearer(tokens.lead_b, key="resend-3"))
    assert third.status_code == 200 and _withheld_count() == 2


def test_a_blank_decider_is_refused_by_field_and_nothing_is_saved(client, audit, ma, tokens):
    start(audit, ma)
    answer = client.post(_return_path(audit, audit.cases[1]),
                         json={"evidence": "Read the file.",
                               "withheld": [{"basis": "significant_harm", "decided_by": "   "}]},
                         headers=bearer(tokens.lead_b, key="blank-1"))
    assert answer.status_code == 422
    assert answer.headers["Content-Type"].startswith("application/problem+json")
    assert "decided_by" in answer.text and "who decided" in answer.text
    assert _withheld_count() == 0
    assert client.get(_return_path(audit, audit.cases[1]),
                      headers=bearer(tokens.lead_b)).status_code == 404


def test_while_the_audit_is_planned_its_cases_are_listed_for_declarations(client, audit, ma,
                                                                          tokens):
    rows = client.get(f"{API}/cases", headers=bearer(tokens.lead_b)).get_json()
    assert [r["case"] for r in rows] == [c.code for c in audit.cases]
    assert {r["audit_status"] for r in rows} == {"planning"}
    assert all(r["blocked"].startswith("The audit is not open for returns yet") for r in rows)


def test_the_tool_can_be_fetched_at_the_versions_a_return_was_started_on(client, audit, ma,
                                                                         tokens):
    start(audit, ma)
    selected = audit.cases[1]
    saved = client.post(_return_path(audit, selected), json={"evidence": "Reading."},
                        headers=bearer(tokens.lead_b, key="tv-1")).get_json()
    versions = saved["tool_versions"]
    assert set(versions) == {CORE_TOOL, "multi_agency.police"}
    started_on = db.session.scalars(select(ToolVersion).where(
        ToolVersion.key == CORE_TOOL, ToolVersion.version == versions[CORE_TOOL])).one()
    publish(copy_to_draft(started_on, ma.coordinator), ma.coordinator)  # a newer core
    db.session.commit()
    tool_url = f"{API}/audits/{audit.reference}/tool"
    pinned = client.get(tool_url, query_string={"case": selected.code},
                        headers=bearer(tokens.lead_b)).get_json()
    assert pinned["core"]["version"] == versions[CORE_TOOL]
    assert pinned["section"]["version"] == versions["multi_agency.police"]
    current = client.get(tool_url, headers=bearer(tokens.lead_b)).get_json()
    assert current["core"]["version"] == versions[CORE_TOOL] + 1
    missing = client.get(tool_url, query_string={"case": "NOPE-0000"},
                         headers=bearer(tokens.lead_b))
    assert missing.status_code == 404
