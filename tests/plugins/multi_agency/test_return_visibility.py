"""An agency sees only its own returns until the consultation meeting, everyone in the audit
sees them all afterwards, and nobody outside it ever does; identity never appears."""

from __future__ import annotations

from core.extensions import db
from plugins.multi_agency import lifecycle
from plugins.multi_agency.clock import london_today
from plugins.multi_agency.returns import save_return
from tests.plugins.multi_agency.conftest import complete, start


def _submit_all(audit, ma, selected):
    for agency, lead, kind in ((ma.a, ma.lead_a, "childrens_services"),
                               (ma.b, ma.lead_b, "police"), (ma.h, ma.lead_h, "health")):
        save_return(audit, selected, agency.id, lead, complete(kind, overall="good"),
                    submit=True)
    db.session.commit()


def _url(audit, selected, agency):
    return f"/multi-agency/{audit.id}/cases/{selected.code}/returns/{agency.id}"


def test_before_the_meeting_an_agency_sees_only_its_own_return(audit, ma, login):
    start(audit, ma)
    selected = audit.cases[1]
    _submit_all(audit, ma, selected)
    client = login(ma.lead_b)
    assert client.get(_url(audit, selected, ma.b)).status_code == 200
    assert client.get(_url(audit, selected, ma.a)).status_code == 404
    assert client.get(_url(audit, selected, ma.h)).status_code == 404
    case_page = client.get(f"/multi-agency/{audit.id}/cases/{selected.code}").text
    assert "Northbrook Police" in case_page
    assert "Northbrook Council" not in case_page and "Northbrook Health" not in case_page
    progress = client.get(f"/multi-agency/{audit.id}/progress").text
    assert "Northbrook Council" not in progress


def test_after_the_meeting_everyone_in_the_audit_sees_every_return(audit, ma, login):
    start(audit, ma)
    selected = audit.cases[1]
    _submit_all(audit, ma, selected)
    lifecycle.record_consultation(audit, london_today(), london_today(), ma.coordinator)
    db.session.commit()
    client = login(ma.lead_b)
    page = client.get(_url(audit, selected, ma.a))
    assert page.status_code == 200
    assert "Quick referral." in page.text
    assert client.get(_url(audit, selected, ma.h)).status_code == 200


def test_the_coordinator_sees_every_return_at_any_time(audit, ma, login):
    start(audit, ma)
    selected = audit.cases[1]
    _submit_all(audit, ma, selected)
    client = login(ma.coordinator)
    for agency in (ma.a, ma.b, ma.h):
        assert client.get(_url(audit, selected, agency)).status_code == 200


def test_people_outside_the_audit_never_see_it(audit, ma, login, world):
    start(audit, ma)
    selected = audit.cases[1]
    _submit_all(audit, ma, selected)
    lifecycle.record_consultation(audit, london_today(), london_today(), ma.coordinator)
    db.session.commit()
    client = login(ma.lead_c)  # another partnership's lead auditor
    assert client.get(f"/multi-agency/{audit.id}").status_code == 404
    assert client.get(_url(audit, selected, ma.a)).status_code == 404
    assert audit.reference not in client.get("/multi-agency/").text


def test_agency_pages_never_show_identity(audit, ma, login):
    start(audit, ma)
    canary = audit.cases[0]
    _submit_all(audit, ma, canary)
    client = login(ma.lead_b)
    for url in (f"/multi-agency/{audit.id}", f"/multi-agency/{audit.id}/cases",
                f"/multi-agency/{audit.id}/cases/{canary.code}", _url(audit, canary, ma.b),
                f"/multi-agency/{audit.id}/progress"):
        page = client.get(url)
        assert page.status_code == 200, url
        assert "ZZCANARY" not in page.text and "ZZREF" not in page.text
        assert canary.code in page.text or url.endswith(str(audit.id))
