"""Recording a referral: the date of each step (section 47 enquiry, police investigation, HR or
disciplinary process, DBS referral) is kept, checked against the referral date and the yes/no
answer, and shown on the referral; changes log the field names, never the values."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from core.accesslog.models import AccessLogEntry
from core.extensions import db
from plugins.lado.models import LadoReferral
from tests.plugins.lado.conftest import CANARY_EMPLOYER, CANARY_ROLE, leaks, referral_values

pytestmark = pytest.mark.plugins("lado")


def _count() -> int:
    return db.session.scalar(select(func.count(LadoReferral.id)))


def test_the_date_of_each_step_is_recorded_and_shown(login, people, frozen):
    client = login(people.lado)
    page = client.post("/lado/referrals/new", data=referral_values(
        s47_enquiry="yes", s47_date="04/03/2026", police_investigation="no",
        hr_process="yes", dbs_date="20/04/2026"))
    assert page.status_code == 302
    referral = db.session.scalar(select(LadoReferral))
    assert (referral.s47_enquiry, referral.s47_date) == (True, date(2026, 3, 4))
    assert (referral.police_investigation, referral.police_date) == (False, None)
    assert (referral.hr_process, referral.hr_date) == (True, None)  # date not known
    assert (referral.dbs_referral, referral.dbs_date) == (True, date(2026, 4, 20))  # implied
    shown = client.get(page.headers["Location"]).text
    assert "Section 47 enquiry began" in shown and "4 March 2026" in shown
    assert "DBS referral made" in shown and "20 April 2026" in shown


def test_a_step_date_that_contradicts_the_answer_or_precedes_the_referral_is_refused(
        login, people, frozen):
    page = login(people.lado).post("/lado/referrals/new", data=referral_values(
        police_investigation="no", police_date="05/03/2026", hr_date="01/03/2026",
        s47_date="31/02/2026"))
    assert page.status_code == 400
    assert _count() == 0
    text = page.text
    assert 'href="#police_date"' in text and 'href="#hr_date"' in text
    assert 'href="#s47_date"' in text and 'href="#dbs_date"' not in text
    assert "Leave the date the police investigation began blank, or answer yes" in text
    assert "The date the HR or disciplinary process began must be on or after the referral" \
        in text
    assert "The date the section 47 enquiry began must be a real date" in text


def test_step_dates_can_be_imported(login, people, frozen):
    header = "referral_date,sector,category,adult_role,employer,hr_process,hr_date,dbs_date"
    body = f"{header}\r\n02/03/2026,education,harm,Teacher,Example School,yes,09/03/2026,\r\n" \
           f"02/03/2026,sport,risk,Coach,Example Club,no,09/03/2026,01/03/2026\r\n"
    client = login(people.lado)
    page = client.post("/lado/referrals/import", data={
        "file": (io.BytesIO(body.encode()), "referrals.csv")})
    assert page.status_code == 400 and _count() == 0
    assert "Line 3" in page.text and "hr_date" in page.text and "dbs_date" in page.text
    good = "\r\n".join(body.split("\r\n")[:2]) + "\r\n"
    page = client.post("/lado/referrals/import", data={
        "file": (io.BytesIO(good.encode()), "referrals.csv")})
    assert page.status_code == 302
    assert db.session.scalar(select(LadoReferral.hr_date)) == date(2026, 3, 9)


def test_a_change_logs_the_names_of_the_fields_not_their_values(login, people, referral,
                                                                frozen):
    client = login(people.lado)
    form = client.get(f"/lado/referrals/{referral.reference}/edit").text
    assert leaks(form) == []  # the sealed fields are not put back into the form
    page = client.post(f"/lado/referrals/{referral.reference}/edit", data={
        "version": str(referral.version), "referral_date": "02/03/2026",
        "sector": "education", "category": "harm", "decision": "met",
        "decision_date": "03/03/2026", "dbs_referral": "yes", "dbs_date": "10/03/2026",
        "employer": "A different employer"})
    assert page.status_code == 302
    db.session.refresh(referral)
    assert referral.dbs_date == date(2026, 3, 10)
    assert referral.unseal("adult_role") == CANARY_ROLE  # left blank: kept
    assert referral.unseal("employer") == "A different employer"
    entry = db.session.scalar(select(AccessLogEntry).where(
        AccessLogEntry.action == "lado_referral_changed"))
    assert "dbs_date" in entry.detail and "employer" in entry.detail
    assert "A different employer" not in entry.detail and CANARY_EMPLOYER not in entry.detail
