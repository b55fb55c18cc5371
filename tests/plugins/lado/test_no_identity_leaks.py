"""The adult's role, employer and identifier are encrypted at rest, never in logs, pages for
people without need to know, reports or exports."""

from __future__ import annotations

import logging
import subprocess
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import make_url, select, update

from core.accesslog.models import AccessLogEntry
from core.crypto.envelope import DecryptionFailed
from core.extensions import db
from plugins.lado.models import LadoReferral
from tests.plugins.lado.conftest import CANARIES, leaks, record

pytestmark = pytest.mark.plugins("lado")


def _sqlite_bytes(uri: str) -> bytes:
    path = Path(make_url(uri).database)
    files = [path, *path.parent.glob(path.name + "-*")]
    return b"".join(f.read_bytes() for f in files if f.exists())


def _pg_dump(uri: str) -> bytes:
    url = make_url(uri).set(drivername="postgresql").render_as_string(hide_password=False)
    return subprocess.run(["pg_dump", "--no-owner", "--dbname", url], capture_output=True,
                          check=True, timeout=120).stdout


@pytest.fixture
def journey(world, people, login, caplog):
    """Record a canary referral on the page and by import, reveal it as the LADO, read the
    register and the report; SQL and its parameters are captured from here on."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy.engine")
    client = login(people.lado)
    page = client.post("/lado/referrals/new", data={
        "referral_date": "02/03/2026", "sector": "education", "category": "harm",
        "adult_role": CANARIES[0], "employer": CANARIES[1], "adult_identifier": CANARIES[2]})
    assert page.status_code == 302
    reference = page.headers["Location"].rsplit("/", 1)[-1]
    client.post(f"/lado/referrals/{reference}/reveal", data={"reason": "auditing"})
    assert CANARIES[0] in client.get(f"/lado/referrals/{reference}").text
    record(world, people.lado, referral_date="03/03/2026")
    client.get(f"/lado/reports/{world.p1.id}/quarterly?start=2026-01-01")
    return reference


def test_the_adults_details_are_encrypted_at_rest(app, journey):
    db.session.commit()
    db.session.close()
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    stored = _sqlite_bytes(uri) if db.engine.dialect.name == "sqlite" else _pg_dump(uri)
    assert journey.encode() in stored  # the referral under test really is in what was read
    assert [c for c in CANARIES if c.encode() in stored] == []


def test_a_ciphertext_moved_to_another_referral_does_not_decrypt(world, people, journey):
    first = db.session.scalar(select(LadoReferral).where(LadoReferral.reference == journey))
    other = record(world, people.lado, referral_date="04/03/2026")
    db.session.execute(update(LadoReferral).where(LadoReferral.id == other.id)
                       .values(employer_enc=first.employer_enc))
    db.session.commit()
    db.session.refresh(other)
    with pytest.raises(DecryptionFailed):
        other.unseal("employer")


@pytest.mark.parametrize("who", ["coordinator", "manager", "board", "tm_a"])
def test_pages_and_reports_never_show_the_adult_to_others(world, people, journey, login, who):
    user = getattr(people, who, None) or getattr(world, who)
    client = login(user)
    for path in ("/lado/", f"/lado/referrals/{journey}", f"/lado/referrals/{journey}/reveal",
                 f"/lado/reports/{world.p1.id}/quarterly?start=2026-01-01",
                 f"/lado/reports/{world.p1.id}/annual?start=2025-04-01"):
        assert leaks(client.get(path).text) == [], path


def test_nothing_logged_holds_the_adults_details(world, people, journey, caplog):
    records = caplog.get_records("setup") + caplog.get_records("call")
    assert any(r.name.startswith("sqlalchemy.engine") for r in records)
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    lines = [formatter.format(r) + repr(r.args) for r in records]
    assert [c for c in CANARIES if any(c in line for line in lines)] == []


@pytest.mark.parametrize("fmt", ["pdf", "xlsx", "csv"])
def test_the_report_exports_are_marked_hold_the_counts_and_no_identity(world, people, journey,
                                                                       login, fmt):
    from tests.core.exports.conftest import pdf_pages, xlsx_text

    client = login(people.lado)
    response = client.get(f"/lado/reports/{world.p1.id}/quarterly/export/{fmt}",
                          query_string={"start": "2026-01-01"})
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    content = response.data
    text = {"pdf": lambda: "\n".join(pdf_pages(content)), "xlsx": lambda: xlsx_text(content),
            "csv": lambda: content.decode()}[fmt]()
    assert "OFFICIAL-SENSITIVE" in text
    assert "Referrals by sector" in text and "Education (schools and colleges)" in text
    assert leaks(text) == []
    logged = db.session.scalars(select(AccessLogEntry.action).where(
        AccessLogEntry.object_type == "lado_report")).all()
    assert f"lado_report_exported_{fmt}" in logged


def test_lado_sections_in_core_reports_hold_no_identity(world, people, journey):
    from core.exports.content import report_document
    from core.exports.csvfile import document_csv
    from core.reports.compose import build_report
    from core.reports.sections import ReportContext

    context = ReportContext(world.p1, date(2026, 1, 1), date(2026, 3, 31), "quarterly",
                            user=world.coordinator)
    content = document_csv(report_document(build_report(context))).decode()
    assert "LADO referrals by sector" in content
    assert leaks(content) == []
