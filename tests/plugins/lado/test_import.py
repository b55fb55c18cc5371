"""Importing referrals from CSV: each problem names its line and column, nothing is recorded
unless every line is good, and the adult's details are never repeated in a message."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from core.extensions import db
from plugins.lado.models import LadoReferral
from tests.plugins.lado.conftest import CANARY_EMPLOYER, leaks

pytestmark = pytest.mark.plugins("lado")
HEADER = ("referral_date,sector,category,adult_role,employer,adult_identifier,referrer_agency,"
          "decision,decision_date,outcome,outcome_date,children")


def _file(*lines: str) -> dict:
    text = "\r\n".join((HEADER, *lines)) + "\r\n"
    return {"file": (io.BytesIO(text.encode()), "referrals.csv")}


def _count() -> int:
    return db.session.scalar(select(func.count(LadoReferral.id)))


GOOD = ("02/03/2026,education,harm,Teacher,Example School,Adult One,Northbrook Primary School,"
        "met,03/03/2026,unfounded,20/03/2026,")


def test_a_good_file_records_every_referral(login, people):
    client = login(people.lado)
    page = client.post("/lado/referrals/import", data=_file(
        GOOD, "2026-03-04,Sport and leisure,transferable risk,Coach,Example Club,,,,,,,"))
    assert page.status_code == 302
    assert _count() == 2
    rows = db.session.scalars(select(LadoReferral).order_by(LadoReferral.referral_date)).all()
    assert [(r.sector, r.category, r.outcome) for r in rows] == [
        ("education", "harm", "unfounded"), ("sport", "transferable", None)]
    assert rows[0].referrer_agency.name == "Northbrook Primary School"
    assert rows[0].unseal("employer") == "Example School"


def test_a_bad_line_is_reported_by_line_and_column_and_nothing_is_recorded(login, people):
    client = login(people.lado)
    page = client.post("/lado/referrals/import", data=_file(
        GOOD,
        f"31/02/2026,circus,harm,,{CANARY_EMPLOYER},,Nowhere Agency,met,,,,NB-NOPE-1",
        "05/03/2026,health,offence,Nurse,Example Trust,,,,,malicious,01/03/2026,"))
    assert page.status_code == 400
    assert _count() == 0
    text = page.text
    assert "The file has 7 problems. Nothing was imported." in text
    for line, column, message in [
        (3, "referral_date", "The referral date must be a real date"),
        (3, "sector", "Select the sector the adult works in (the file has &#39;circus&#39;)"),
        (3, "adult_role", "Enter the adult&#39;s role"),
        (3, "referrer_agency", "The referring agency must be an agency of Northbrook"),
        (3, "children", "No case of Northbrook has the code NB-NOPE-1"),
        (3, "decision_date", "Enter the decision date"),
        (4, "outcome_date", "The outcome date must be on or after the referral date"),
    ]:
        row = (f'<td class="govuk-table__cell">Line {line}</td>\n'
               f'          <td class="govuk-table__cell">{column}</td>\n'
               f'          <td class="govuk-table__cell">{message}')
        assert row in text, (line, column)
    assert leaks(text) == []


def test_a_file_with_a_wrong_header_is_refused_whole(login, people):
    page = login(people.lado).post("/lado/referrals/import", data={
        "file": (io.BytesIO(b"date,sector\r\n02/03/2026,education\r\n"), "r.csv")})
    assert page.status_code == 400
    assert "Column &#39;date&#39; is not one we know" in page.text
    assert "The column &#39;referral_date&#39; is missing" in page.text
    assert _count() == 0


def test_only_the_lado_service_may_import(login, world, people):
    assert login(world.coordinator).get("/lado/referrals/import").status_code == 403
    assert login(people.lado).get("/lado/referrals/import/template.csv").text.startswith(
        "referral_date,sector")
