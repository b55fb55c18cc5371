"""Retention: exactly what is due is destroyed (identity, narrative, files), with a record;
legal hold and later closing dates protect a case; a second run does nothing."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core import timeutil
from core.accesslog.chain import verify
from core.accesslog.models import AccessLogEntry
from core.cases import attachments as files
from core.cases import retention
from core.cases.models import IDENTITY_FIELDS, Attachment, Case, DestructionRecord
from core.cases.service import register_case
from core.extensions import db
from tests.core.cases.conftest import attributes, identity
from tests.fixtures.plugins.example.views import Note
from tests.support.files import own_instance  # noqa: F401

CLOSED = datetime(2022, 1, 10, 12, 0, tzinfo=UTC)
DUE_DAY = datetime(2025, 1, 11, 12, 0, tzinfo=UTC)  # closed + 3 years + 1 day
PDF = b"%PDF-1.7\n" + b"ZZCANARY-EVIDENCE " * 5000


pytestmark = pytest.mark.usefixtures("own_instance")


@pytest.fixture
def clock(monkeypatch):
    """A settable clock for core.timeutil.utcnow (what retention reads)."""
    now = {"at": DUE_DAY}
    monkeypatch.setattr(timeutil, "utcnow", lambda: now["at"])
    return now


def coded(world, ref: str, closed: datetime | None, hold: bool = False, partnership=None,
          agency=None) -> Case:
    case = register_case(partnership or world.p1, agency or world.a, identity(record_id=ref),
                         attributes(cohort="child_protection", ethnicity="MWBA"), by=None)
    case.closed_at, case.legal_hold = closed, hold
    db.session.commit()
    return case


@pytest.fixture
def cases(world):
    """Due (with a file and a plugin note), closed a day later, on hold, and still open."""
    due = coded(world, "REF-DUE", CLOSED)
    files.store(due, "plan.pdf", io.BytesIO(PDF), by=None)
    later = coded(world, "REF-LATER", CLOSED + timedelta(days=2))
    held = coded(world, "REF-HELD", CLOSED - timedelta(days=30), hold=True)
    still_open = coded(world, "REF-OPEN", None)
    db.session.add_all([Note(agency_id=world.a.id, text="narrative", case_id=due.id),
                        Note(agency_id=world.a.id, text="narrative", case_id=later.id)])
    db.session.commit()
    return {"due": due, "later": later, "held": held, "open": still_open}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_only_the_case_past_its_period_is_due(cases, clock):
    assert [c.code for c in retention.due_for_destruction()] == [cases["due"].code]
    assert retention.due_for_destruction(DUE_DAY - timedelta(days=2)) == []


def test_retention_destroys_exactly_the_due_case_and_records_it(app, cases, clock):
    due_id = cases["due"].id
    attachment = db.session.scalars(select(Attachment)).one()
    path = files.path_of(attachment)
    assert path.exists()
    result = retention.run_retention()
    db.session.expire_all()
    assert result.destroyed == [cases["due"].code] and result.failed == []
    due = db.session.get(Case, due_id)
    assert all(getattr(due, f"{f}_enc") is None for f in IDENTITY_FIELDS)
    assert due.record_id_index is None and due.destroyed_at == DUE_DAY
    assert (due.cohort, due.ethnicity, due.age_band) == ("child_protection", "MWBA", "10-15")
    assert not path.exists()
    attachment = db.session.get(Attachment, attachment.id)
    assert attachment.destroyed_at == DUE_DAY and attachment.file_key_enc is None
    assert attachment.filename_enc is None
    assert db.session.scalars(select(Note.case_id)).all() == [cases["later"].id]
    record = db.session.scalars(select(DestructionRecord)).one()
    assert (record.object_code, record.object_type, record.what, record.run_id) == (
        due.code, "case", "identity, narrative, 1 file", result.run_id)
    entry = db.session.scalars(select(AccessLogEntry).where(
        AccessLogEntry.action == "retention_destroyed")).one()
    assert entry.object_code == due.code and "ZZ" not in entry.detail and "REF" not in entry.detail
    assert verify().ok


def test_qa_on_case_destroyed_lets_a_plugin_delete_its_narrative_about_the_case(cases, clock):
    retention.run_retention()
    db.session.expire_all()
    assert db.session.scalars(select(Note.case_id)).all() == [cases["later"].id]


def test_a_case_closed_later_and_a_case_on_legal_hold_survive(cases, clock):
    retention.run_retention()
    db.session.expire_all()
    for key, ref in (("later", "REF-LATER"), ("held", "REF-HELD"), ("open", "REF-OPEN")):
        case = db.session.get(Case, cases[key].id)
        assert case.destroyed_at is None and case.unseal("record_id") == ref
        assert case.unseal("name") == "ZZCANARY-NAME"


def test_a_second_run_is_a_no_op(cases, clock):
    retention.run_retention()
    records, entries = count(DestructionRecord), count(AccessLogEntry)
    again = retention.run_retention()
    assert again.destroyed == [] and again.failed == []
    assert count(DestructionRecord) == records and count(AccessLogEntry) == entries


def test_lifting_a_legal_hold_lets_the_next_run_destroy_the_case(world, cases, clock):
    held = cases["held"]
    assert retention.set_legal_hold(held, False, "Inquiry has closed", by=world.coordinator) == {}
    db.session.commit()
    assert cases["held"].code in retention.run_retention().destroyed


def test_a_partnership_may_keep_cases_for_a_shorter_period(world, clock):
    short = coded(world, "REF-P1", DUE_DAY - timedelta(days=400))
    other = coded(world, "REF-P2", DUE_DAY - timedelta(days=400), partnership=world.p2,
                  agency=world.c)
    assert retention.due_for_destruction() == []
    retention.set_years(world.p1, 1, by=world.coordinator)
    db.session.commit()
    assert [c.code for c in retention.due_for_destruction()] == [short.code]
    assert other.code not in retention.run_retention().destroyed


def test_a_failure_in_a_plugin_leaves_the_case_whole(app, cases, clock, monkeypatch):
    plugins = app.extensions["plugins"]

    def broken(hook, **kwargs):
        raise RuntimeError("plugin failed")

    monkeypatch.setattr(plugins, "fire", broken)
    result = retention.run_retention()
    db.session.expire_all()
    assert result.failed == [cases["due"].code] and result.destroyed == []
    due = db.session.get(Case, cases["due"].id)
    assert due.destroyed_at is None and due.unseal("record_id") == "REF-DUE"
    assert files.path_of(db.session.scalars(select(Attachment)).one()).exists()
    assert count(DestructionRecord) == 0


# --- Legal hold -------------------------------------------------------------------------------


def test_legal_hold_needs_a_reason_and_is_logged_on_and_off(world, cases, login):
    client = login(world.coordinator)
    url = f"/cases/{cases['later'].code}/legal-hold"
    refused = client.post(url, data={"on": "yes", "reason": "  "})
    assert refused.status_code == 400 and "Enter the reason" in refused.get_data(as_text=True)
    assert client.post(url, data={"on": "yes", "reason": "IICSA strand 4"}).status_code == 302
    assert client.post(url, data={"on": "no", "reason": "Strand closed"}).status_code == 302
    entries = db.session.scalars(select(AccessLogEntry).where(
        AccessLogEntry.action.in_(("legal_hold_on", "legal_hold_off")))
        .order_by(AccessLogEntry.id)).all()
    assert [(e.action, e.detail) for e in entries] == [
        ("legal_hold_on", "reason: IICSA strand 4"), ("legal_hold_off", "reason: Strand closed")]
    db.session.expire_all()
    assert db.session.get(Case, cases["later"].id).legal_hold is False


def test_legal_hold_is_for_coordinators_of_that_partnership(world, cases, login):
    url = f"/cases/{cases['later'].code}/legal-hold"
    assert login(world.tm_a).post(url, data={"on": "yes", "reason": "x"}).status_code == 403
    from tests.support.factories import make_user

    other = make_user("partnership_coordinator", world.p2, email="coord.p2@example.test")
    db.session.commit()
    assert login(other).post(url, data={"on": "yes", "reason": "x"}).status_code == 404
    db.session.expire_all()
    assert db.session.get(Case, cases["later"].id).legal_hold is False


# --- The page and the command ----------------------------------------------------------------


def test_the_retention_page_shows_what_is_due_in_the_next_90_days_and_past_destructions(
        world, cases, clock, login):
    retention.run_retention()
    clock["at"] = DUE_DAY
    p2_case = coded(world, "REF-P2", CLOSED, partnership=world.p2, agency=world.c)
    page = login(world.coordinator).get("/cases/retention").get_data(as_text=True)
    assert cases["later"].code in page and cases["held"].code in page
    assert "On legal hold" in page and "identity, narrative, 1 file" in page
    assert cases["open"].code not in page and p2_case.code not in page
    assert "ZZCANARY" not in page and "REF-" not in page


def test_the_retention_page_needs_retention_manage(world, login):
    assert login(world.tm_a).get("/cases/retention").status_code == 403


def test_changing_the_period_on_the_page_is_checked_and_logged(world, login):
    client = login(world.coordinator)
    bad = client.post(f"/cases/retention/{world.p1.id}/period", data={"years": "0"})
    assert bad.status_code == 400 and "whole number from 1 to 25" in bad.get_data(as_text=True)
    assert client.post(f"/cases/retention/{world.p1.id}/period",
                       data={"years": "5"}).status_code == 302
    assert retention.years_by_partnership()[world.p1.id] == 5
    assert client.post(f"/cases/retention/{world.p2.id}/period",
                       data={"years": "5"}).status_code == 404
    assert "retention_period_changed" in db.session.scalars(select(AccessLogEntry.action)).all()


def test_the_dry_run_command_prints_codes_and_dates_only_and_changes_nothing(
        app, cases, clock):
    result = app.test_cli_runner().invoke(args=["cases", "retention", "--dry-run"])
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        f"{cases['due'].code}  closed 2022-01-10  due 2025-01-10",
        "1 case(s) would be destroyed. Nothing was changed (dry run).",
    ]
    db.session.expire_all()
    assert db.session.get(Case, cases["due"].id).destroyed_at is None
    assert count(DestructionRecord) == 0


def test_the_retention_command_destroys_what_is_due(app, cases, clock):
    result = app.test_cli_runner().invoke(args=["cases", "retention"])
    assert result.exit_code == 0 and f"destroyed {cases['due'].code}" in result.output
    again = app.test_cli_runner().invoke(args=["cases", "retention"])
    assert "0 case(s) destroyed" in again.output


def test_the_legal_hold_command_needs_a_reason_and_logs_it(app, cases):
    code = cases["later"].code
    runner = app.test_cli_runner()
    missing = runner.invoke(args=["cases", "legal-hold", code, "--on"])
    assert missing.exit_code != 0
    placed = runner.invoke(args=["cases", "legal-hold", code, "--on", "--reason", "Claim 12"])
    assert placed.exit_code == 0 and "legal hold placed" in placed.output
    again = runner.invoke(args=["cases", "legal-hold", code, "--on", "--reason", "Claim 12"])
    assert again.exit_code == 1 and "already on legal hold" in again.output
    db.session.expire_all()
    assert db.session.get(Case, cases["later"].id).legal_hold is True


def test_retention_also_deletes_held_import_files_older_than_an_hour(app, world, clock):
    from core.cases import import_runs
    from core.cases.importer import check_file
    from tests.core.cases.test_import import csv_bytes, row

    data = csv_bytes([row(1)])
    clock["at"] = DUE_DAY - timedelta(hours=2)
    import_runs.hold(data, world.p1, world.a, check_file(data, world.p1, world.a), None)
    db.session.commit()
    clock["at"] = DUE_DAY
    retention.run_retention()
    folder = Path(app.instance_path) / "case_imports"
    assert not any(p.is_file() for p in folder.rglob("*"))


def test_the_retention_job_runs_nightly_at_half_past_two_and_destroys_what_is_due(
        app, cases, clock):
    from core.jobs import JobRecord, enqueue

    schedules = {s.name: s for _, s in app.extensions["schedules"]}
    assert (schedules["core.retention"].job, schedules["core.retention"].cron) == (
        "core.retention", "30 2 * * *")
    assert schedules["core.case_imports_purge"].cron == "*/15 * * * *"
    job = enqueue("core.retention")
    db.session.commit()  # the job runs in-process once this commits
    db.session.expire_all()
    record = db.session.get(JobRecord, job.id)
    assert record.status == "finished"
    assert '"destroyed": 1' in record.result and cases["due"].code not in record.result
    assert db.session.get(Case, cases["due"].id).destroyed_at is not None


def test_the_legal_hold_page_offers_to_place_or_lift_the_hold(world, cases, login):
    client = login(world.coordinator)
    placing = client.get(f"/cases/{cases['later'].code}/legal-hold").get_data(as_text=True)
    lifting = client.get(f"/cases/{cases['held'].code}/legal-hold").get_data(as_text=True)
    assert "Put under legal hold" in placing and 'value="yes"' in placing
    assert "Lift legal hold" in lifting and 'value="no"' in lifting
