"""No child's identity in any Regulation 44 page, report, PDF, notification or log entry: codes
only, for everyone (even people who may reveal identity on the case page)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from core.accesslog.models import AccessLogEntry
from core.extensions import db
from core.notifications.models import Notification
from plugins.reg44.models import Visit
from tests.plugins.reg44 import helpers as h

pytestmark = pytest.mark.plugins("reg44")


@pytest.fixture
def finished(r44, login, frozen):
    """A March visit that spoke to the canary child; finished and sent; a scrutiny too."""
    h.assign(r44.home, r44.visitor, date(2026, 3, 1))
    visit = h.complete(h.plan(r44.home, date(2026, 3, 1)), r44.visitor, date(2026, 3, 2),
                       recs=("Update the missing-from-home protocol.",), child=r44.canary)
    client = login(r44.world.coordinator)
    client.post(f"/reg44/homes/{r44.home.id}/judgements", data={
        "judgement": "inadequate", **h.day_fields("inspected_on", date(2026, 3, 2))})
    return visit


def pages(r44, visit: Visit) -> list[str]:
    scrutiny_id = db.session.execute(db.text("select id from reg44_scrutiny")).scalar()
    rec = db.session.get(Visit, visit.id).recommendations[0]
    return ["/reg44/", "/reg44/homes", f"/reg44/homes/{r44.home.id}",
            "/reg44/schedule?month=2026-03", f"/reg44/visits/{visit.id}",
            f"/reg44/visits/{visit.id}/report", "/reg44/scrutiny",
            f"/reg44/scrutiny/{scrutiny_id}", "/reg44/reports?from=2026-01&to=2026-03",
            f"/reg44/recommendations/{rec.id}/respond"]


@pytest.mark.parametrize("who", ["coordinator", "visitor", "hos_a"])
def test_no_page_shows_a_childs_identity_only_the_code(r44, finished, login, who):
    person = r44.visitor if who == "visitor" else getattr(r44.world, who)
    client = login(person)
    shown_code = False
    for url in pages(r44, finished):
        response = client.get(url)
        if response.status_code != 200:
            continue
        for canary in h.CANARIES:
            assert canary not in response.text, f"{url} shows {canary} to {who}"
        shown_code = shown_code or r44.canary.code in response.text
    assert shown_code


def test_the_pdf_is_marked_and_carries_the_code_not_the_identity(r44, finished, login):
    response = login(r44.world.coordinator).get(f"/reg44/visits/{finished.id}/report.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert "OFFICIAL-SENSITIVE" in text
    assert r44.canary.code in text and "I feel safe and like my room." in text
    for canary in h.CANARIES:
        assert canary not in text
    logged = db.session.scalars(select(AccessLogEntry).where(
        AccessLogEntry.action == "reg44_report_exported")).all()
    assert [e.object_code for e in logged] == [finished.reference]


def test_notifications_and_the_access_log_hold_codes_only(r44, finished):
    texts = [f"{n.subject} {n.body}" for n in db.session.scalars(select(Notification))]
    texts += [f"{e.object_code} {e.detail}" for e in db.session.scalars(select(AccessLogEntry))
              if e.action.startswith("reg44")]
    assert texts
    for text in texts:
        for canary in h.CANARIES:
            assert canary not in text


def test_reading_a_report_is_logged(r44, finished, login):
    login(r44.world.hos_a).get(f"/reg44/visits/{finished.id}/report")
    entry = db.session.scalar(select(AccessLogEntry).where(
        AccessLogEntry.action == "reg44_report_viewed"))
    assert (entry.user_id, entry.object_code) == (r44.world.hos_a.id, finished.reference)


def test_an_unfinished_report_has_no_pdf(r44, login):
    h.assign(r44.home, r44.visitor, date(2026, 3, 1))
    visit = h.plan(r44.home, date(2026, 3, 1))
    assert login(r44.visitor).get(f"/reg44/visits/{visit.id}/report.pdf").status_code == 404
