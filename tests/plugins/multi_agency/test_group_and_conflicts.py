"""The audit group: a declared conflict blocks that auditor on that case (no return, no
identity), another auditor of the agency can be named for it, and cleared auditors may reveal
identity only while the audit runs."""

from __future__ import annotations

import pytest

from core.cases.reveal import may_reveal
from core.extensions import db
from plugins.multi_agency import group
from plugins.multi_agency.problems import Refused
from plugins.multi_agency.returns import return_of, save_return
from tests.plugins.multi_agency.conftest import complete, declare_all, start
from tests.support import factories as f


def test_a_declared_conflict_blocks_the_auditor_on_that_case_only(audit, ma, login):
    blocked, other = audit.cases[2], audit.cases[3]
    start(audit, ma, {ma.lead_b.id: (blocked.code,)})
    with pytest.raises(Refused, match="conflict"):
        save_return(audit, blocked, ma.b.id, ma.lead_b, complete("police"))
    db.session.rollback()
    assert return_of(blocked, ma.b.id) is None
    save_return(audit, other, ma.b.id, ma.lead_b, complete("police"), submit=True)
    db.session.commit()
    assert return_of(other, ma.b.id).submitted


def test_the_blocked_auditor_cannot_reveal_that_childs_identity(audit, ma):
    blocked, other = audit.cases[2], audit.cases[3]
    start(audit, ma, {ma.lead_b.id: (blocked.code,)})
    assert not may_reveal(ma.lead_b, blocked.case)
    assert may_reveal(ma.lead_b, other.case)


def test_the_page_refuses_a_blocked_auditors_return_with_403(audit, ma, login):
    blocked = audit.cases[2]
    start(audit, ma, {ma.lead_b.id: (blocked.code,)})
    answer = login(ma.lead_b).post(
        f"/multi-agency/{audit.id}/cases/{blocked.code}/returns/{ma.b.id}",
        data={"action": "save", "evidence": "x"})
    assert answer.status_code == 403
    assert "conflict" in answer.text
    assert return_of(blocked, ma.b.id) is None


def test_a_conflict_cannot_be_withdrawn(audit, ma):
    selected = audit.cases[2]
    declare_all(audit, ma.lead_b, (selected.code,))
    with pytest.raises(Refused, match="cannot be withdrawn"):
        group.declare(audit, selected, ma.lead_b, False)


def test_another_auditor_named_for_the_case_can_audit_it(audit, ma):
    blocked = audit.cases[2]
    start(audit, ma, {ma.lead_b.id: (blocked.code,)})
    group.name_substitute(audit, blocked, ma.b.id, ma.spare_b, ma.coordinator)
    db.session.commit()
    with pytest.raises(Refused, match="Declare first"):
        save_return(audit, blocked, ma.b.id, ma.spare_b, complete("police"))
    db.session.rollback()
    group.declare(audit, blocked, ma.spare_b, False)
    save_return(audit, blocked, ma.b.id, ma.spare_b, complete("police"), submit=True)
    db.session.commit()
    assert return_of(blocked, ma.b.id).submitted_by_id == ma.spare_b.id
    assert may_reveal(ma.spare_b, blocked.case)


def test_a_substitute_is_only_named_where_the_lead_is_conflicted(audit, ma):
    start(audit, ma)
    with pytest.raises(Refused, match="declared a conflict"):
        group.name_substitute(audit, audit.cases[2], ma.b.id, ma.spare_b, ma.coordinator)


def test_an_agency_lead_nominates_only_for_their_own_agency(audit, ma, login):
    hos_b = f.make_user("head_of_service", ma.b, email="hos.b@example.test")
    db.session.commit()
    client = login(hos_b)
    own = client.post(f"/multi-agency/{audit.id}/group/agencies/{ma.b.id}/nominate",
                      data={"auditor": str(ma.spare_b.id)})
    assert own.status_code == 303
    other = client.post(f"/multi-agency/{audit.id}/group/agencies/{ma.a.id}/nominate",
                        data={"auditor": str(ma.lead_a.id)})
    assert other.status_code == 404
    db.session.expire_all()
    assert audit.participant(ma.b.id).lead_auditor_id == ma.spare_b.id


def test_a_nominee_must_be_an_auditor_of_that_agency(audit, ma, login):
    answer = login(ma.coordinator).post(
        f"/multi-agency/{audit.id}/group/agencies/{ma.b.id}/nominate",
        data={"auditor": str(ma.lead_a.id)})
    assert answer.status_code == 400
    assert "Select an auditor who works for Northbrook Police" in answer.text


def test_auditing_cannot_start_without_a_lead_auditor_for_every_agency(audit, ma, login):
    audit.participant(ma.h.id).lead_auditor = None
    db.session.commit()
    answer = login(ma.coordinator).post(f"/multi-agency/{audit.id}/open")
    assert answer.status_code == 409
    assert "Nominate a lead auditor for Northbrook Health" in answer.text
