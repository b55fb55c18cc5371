"""The audit pack is destroyed with the closed audit's last case (3 years after closure by
default): report text, themes, evidence of impact and briefing files go; grades, dates and a
destruction record stay; a case on legal hold holds the whole pack back; a rerun does nothing."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from core.cases.models import DestructionRecord
from core.cases.retention import add_years, run_retention, set_legal_hold
from core.documents.models import Document
from core.extensions import db
from plugins.multi_agency import programme, report, tracking
from plugins.multi_agency.clock import london_today
from plugins.multi_agency.models import MultiAgencyReview, MultiAgencyTheme
from plugins.multi_agency.returns import return_of
from tests.plugins.multi_agency.conftest import close_plan
from tests.support.files import own_instance, stored_files  # noqa: F401

pytestmark = pytest.mark.usefixtures("own_instance")

PDF = b"%PDF-1.7\n" + b"ZZPACK-BRIEFING " * 2000 + b"\n%%EOF\n"


def _pack(audit, ma) -> None:
    """A briefing file and a sub-committee review on the reported audit, then closure."""
    upload = FileStorage(io.BytesIO(PDF), filename="briefing.pdf", content_type="application/pdf")
    programme.add_briefing(audit, "Briefing pack", None, None, upload, ma.coordinator)
    tracking.add_review(audit, london_today(), "green", "Referrals now on time.", None,
                        london_today(), ma.coordinator)
    db.session.commit()
    close_plan(audit)


def _due(audit):
    return add_years(audit.cases[0].case.closed_at, 3) + timedelta(days=1)


def test_the_pack_goes_with_the_last_case_and_a_rerun_does_nothing(app, reported, ma):
    _pack(reported, ma)
    assert len(stored_files(app)) == 1
    result = run_retention(_due(reported))
    assert set(result.destroyed) == {c.code for c in reported.cases}
    db.session.expire_all()
    assert reported.status == "destroyed"
    assert reported.status_label == "Closed: audit pack destroyed"
    texts = report.report_of(reported)
    assert (texts.key_outcomes, texts.learning, texts.recommendations) == (None, None, None)
    assert db.session.scalars(select(MultiAgencyTheme)).all() == []
    assert [r.impact for r in db.session.scalars(select(MultiAgencyReview))] == [""]
    assert reported.briefings == []
    document = db.session.scalars(select(Document)).one()
    assert document.destroyed_at is not None and document.file_key_enc is None
    assert stored_files(app) == []
    kept = return_of(reported.cases[0], ma.a.id)
    assert kept.overall == "good" and kept.evidence is None
    record = db.session.scalars(select(DestructionRecord).where(
        DestructionRecord.object_type == "multi_agency_audit")).one()
    assert record.object_code == reported.reference and "1 briefing file" in record.what
    assert run_retention(_due(reported)).destroyed == []
    assert db.session.scalars(select(DestructionRecord).where(
        DestructionRecord.object_type == "multi_agency_audit")).all() == [record]


def test_a_case_on_legal_hold_holds_the_pack_back(app, reported, ma):
    _pack(reported, ma)
    held = reported.cases[0].case
    assert set_legal_hold(held, True, "Inquiry request, letter 12 March", ma.coordinator) == {}
    db.session.commit()
    result = run_retention(_due(reported))
    assert held.code not in result.destroyed and len(result.destroyed) == len(reported.cases) - 1
    db.session.expire_all()
    assert reported.status == "closed"
    assert report.report_of(reported).learning == "Learning."
    assert len(reported.briefings) == 1 and len(stored_files(app)) == 1
    assert set_legal_hold(held, False, "Inquiry closed", ma.coordinator) == {}
    db.session.commit()
    assert run_retention(_due(reported)).destroyed == [held.code]
    db.session.expire_all()
    assert reported.status == "destroyed" and stored_files(app) == []


def test_the_report_page_of_a_destroyed_pack_still_shows_its_grades(reported, ma, login):
    _pack(reported, ma)
    run_retention(_due(reported))
    page = login(ma.coordinator).get(f"/multi-agency/{reported.id}/report")
    assert page.status_code == 200
    assert "Learning." not in page.text and "Referrals were prompt." not in page.text
    assert "Agreed grades" in page.text
    assert "Closed: audit pack destroyed" in login(ma.coordinator).get(
        f"/multi-agency/{reported.id}").text
