"""Coding cases through the service the pages and the CSV import share."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from core.accesslog.models import AccessLogEntry
from core.cases import service
from core.cases.codes import is_valid
from core.cases.models import Case, CaseAssignment
from core.cases.service import (
    CaseInvalid,
    assign_to_case,
    change_identity,
    close_assignment,
    link_siblings,
    register_case,
)
from core.crypto.keyring import KeyUnavailable
from core.extensions import db
from tests.core.cases.conftest import CANARY_NAME, CANARY_REF, attributes, identity


def _invalid(world, ident=None, attrs=None, agency=None) -> dict[str, str]:
    with pytest.raises(CaseInvalid) as caught:
        register_case(world.p1, agency or world.a, ident or identity(), attrs or attributes(),
                      by=world.coordinator)
    return caught.value.errors


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _actions() -> list[str]:
    return list(db.session.scalars(select(AccessLogEntry.action).order_by(AccessLogEntry.id)))


def test_a_coded_case_gets_a_valid_code_with_the_partnership_prefix_and_sealed_identity(
        world, canary_case):
    case = db.session.get(Case, canary_case.id)
    assert case.code.startswith("NB-") and is_valid(case.code)
    assert case.unseal("name") == CANARY_NAME and case.unseal("record_id") == CANARY_REF
    assert case.unseal("date_of_birth") == "2011-01-01"
    assert CANARY_NAME not in (case.name_enc or "")
    assert (case.cohort, case.sex, case.ethnicity, case.disability) == (
        "child_in_need", "female", "WBRI", False)
    assert case.team_id == world.team_a.id and case.created_by_id == world.coordinator.id


def test_coding_writes_a_case_coded_entry_naming_the_code_and_no_identity(world, canary_case):
    entry = db.session.scalar(select(AccessLogEntry).where(AccessLogEntry.action == "case_coded"))
    assert entry.object_code == canary_case.code and entry.partnership_id == world.p1.id
    assert entry.user_id == world.coordinator.id
    assert CANARY_NAME not in (entry.detail or "") and CANARY_REF not in (entry.detail or "")


def test_the_age_band_is_worked_out_on_the_day_of_coding(world, monkeypatch):
    monkeypatch.setattr(service, "utcnow", lambda: datetime(2026, 3, 1, 12, tzinfo=UTC))
    cases = {dob: register_case(world.p1, world.a, identity(date_of_birth=dob, record_id=dob),
                                attributes(), by=None)
             for dob in ("2026-01-01", "2025-03-01", "2021-03-02", "2021-03-01", "2016-03-01",
                         "2010-03-02", "2010-03-01", "2008-03-01")}
    assert [c.age_band for c in cases.values()] == [
        "under 1", "1-4", "1-4", "5-9", "10-15", "10-15", "16-17", "18+"]


@pytest.mark.parametrize(("dob", "message"), [
    ("", "Enter the date of birth"),
    ("2011-02-30", "Date of birth must be a real date"),
    ("not a date", "Date of birth must be a real date"),
    ("2999-01-01", "Date of birth must be today or in the past"),
    ("1989-12-31", "Date of birth must be on or after 1 January 1990"),
])
def test_a_bad_date_of_birth_is_refused_with_a_clear_message(world, dob, message):
    assert _invalid(world, identity(date_of_birth=dob))["date_of_birth"].startswith(message)


def test_a_uk_style_date_of_birth_is_accepted_for_imports(world):
    case = register_case(world.p1, world.a, identity(date_of_birth="27/03/2012"), attributes(),
                         by=None)
    assert case.unseal("date_of_birth") == "2012-03-27"


@pytest.mark.parametrize(("nhs", "message"), [
    ("12345", "NHS number must be 10 digits"),
    ("999000001X", "NHS number must be 10 digits"),
    ("9990000017", "Enter a valid NHS number"),
    ("9991234560", "Enter a valid NHS number"),  # check digit would be 10: no such number
])
def test_an_nhs_number_must_pass_the_modulus_11_check(world, nhs, message):
    assert _invalid(world, identity(nhs_number=nhs))["nhs_number"].startswith(message)


def test_an_nhs_number_may_be_typed_with_spaces_and_is_stored_as_digits(world):
    case = register_case(world.p1, world.a, identity(nhs_number="999 000 0018"), attributes(),
                         by=None)
    assert case.unseal("nhs_number") == "9990000018"


def test_name_record_id_and_cohort_are_required_and_every_problem_is_reported_at_once(world):
    errors = _invalid(world, identity(name=" ", record_id=""), attributes(cohort=""))
    assert set(errors) == {"name", "record_id", "cohort"}
    assert errors["name"] == "Enter the child's name"
    assert errors["record_id"] == "Enter the council case-record id"


def test_attributes_must_come_from_their_lists(world):
    errors = _invalid(world, attrs=attributes(cohort="adoption", sex="x", ethnicity="WHITE",
                                              disability="maybe"))
    assert set(errors) == {"cohort", "sex", "ethnicity", "disability"}
    assert "DfE ethnicity code" in errors["ethnicity"]


def test_labels_and_codes_from_an_import_are_understood(world):
    case = register_case(world.p1, world.a, identity(), {
        "cohort": "Child protection", "sex": "Male", "ethnicity": "bafr", "disability": "Yes",
        "team": "assessment", "practitioner": "SW.A@example.test"}, by=None)
    assert (case.cohort, case.sex, case.ethnicity, case.disability) == (
        "child_protection", "male", "BAFR", True)
    assert case.team_id == world.team_a.id and case.practitioner_id == world.practitioner_a.id


def test_the_team_and_practitioner_must_belong_to_the_owning_agency(world):
    errors = _invalid(world, attrs=attributes(team_id=world.team_b.id,
                                              practitioner=world.tm_b.email))
    assert errors["team"] == "Team must be a team of Northbrook Council"
    assert "Northbrook Council" in errors["practitioner"]
    assert "team" in _invalid(world, attrs=attributes(team="No such team"))


def test_the_agency_must_be_part_of_the_partnership(world):
    assert _invalid(world, agency=world.c)["agency"] == (
        "The agency is not part of this partnership")


def test_a_duplicate_record_id_is_refused_on_its_field_and_nothing_is_saved(world, canary_case):
    cases, entries = _count(Case), _count(AccessLogEntry)
    errors = _invalid(world, identity(name="Another child", record_id=" zzref-0001 "))
    assert errors == {"record_id": service.DUPLICATE}
    assert "council case-record id" in errors["record_id"]
    db.session.rollback()
    assert (_count(Case), _count(AccessLogEntry)) == (cases, entries)


def test_the_same_record_id_may_be_coded_in_another_partnership(world, canary_case):
    case = register_case(world.p2, world.c, identity(), attributes(), by=None)
    assert case.code.startswith("SM-")


def test_error_messages_never_contain_what_was_typed(world):
    errors = _invalid(world, identity(nhs_number="ZZCANARY-NHS", date_of_birth="ZZCANARY-DOB",
                                      name="x" * 201))
    assert all("ZZCANARY" not in m and "xxxx" not in m for m in errors.values())
    assert "ZZCANARY" not in str(CaseInvalid(errors))


def test_coding_fails_closed_without_the_blind_index_key(world, app):
    app.config["BLIND_INDEX_KEY"] = None
    with pytest.raises(KeyUnavailable):
        register_case(world.p1, world.a, identity(), attributes(), by=None)


def test_a_code_collision_is_retried(world, canary_case, monkeypatch):
    fresh = iter([canary_case.code, canary_case.code, "NB-TTTTTT-T"])
    monkeypatch.setattr(service, "new_code", lambda prefix: next(fresh))
    case = register_case(world.p1, world.a, identity(record_id="other"), attributes(), by=None)
    assert case.code == "NB-TTTTTT-T"


def test_changing_identity_reseals_the_field_and_logs_only_its_name(world, canary_case):
    change_identity(canary_case, "name", "ZZNEW-NAME", by=world.coordinator)
    change_identity(canary_case, "alias", None, by=world.coordinator)
    db.session.commit()
    case = db.session.get(Case, canary_case.id)
    assert case.unseal("name") == "ZZNEW-NAME" and case.alias_enc is None
    details = list(db.session.scalars(select(AccessLogEntry.detail).where(
        AccessLogEntry.action == "identity_changed")))
    assert details == ["field: name", "field: alias"]


def test_changing_the_record_id_checks_duplicates_and_moves_the_index(world, canary_case):
    other = register_case(world.p1, world.a, identity(record_id="ZZREF-0002"), attributes(),
                          by=None)
    with pytest.raises(CaseInvalid) as caught:
        change_identity(other, "record_id", CANARY_REF, by=None)
    assert caught.value.errors == {"record_id": service.DUPLICATE}
    change_identity(canary_case, "record_id", "ZZREF-0003", by=None)
    change_identity(other, "record_id", CANARY_REF, by=None)  # now free
    assert other.unseal("record_id") == CANARY_REF


def test_a_required_identity_field_cannot_be_cleared(world, canary_case):
    with pytest.raises(CaseInvalid) as caught:
        change_identity(canary_case, "name", "", by=None)
    assert caught.value.errors == {"name": "Enter the child's name"}


def test_a_new_date_of_birth_recomputes_the_age_band_as_at_coding(world, canary_case):
    canary_case.created_at = datetime(2026, 3, 1, tzinfo=UTC)
    change_identity(canary_case, "date_of_birth", "2010-03-01", by=None)
    assert canary_case.age_band == "16-17"


def test_siblings_are_linked_under_their_own_code_in_one_partnership(world, canary_case):
    brother = register_case(world.p1, world.a, identity(record_id="ZZREF-0009"), attributes(),
                            by=None)
    group = link_siblings([canary_case, brother], by=world.coordinator)
    assert group.code.startswith("NB-SG-") and group.partnership_id == world.p1.id
    assert canary_case.sibling_group_id == brother.sibling_group_id == group.id
    assert "siblings_linked" in _actions()
    elsewhere = register_case(world.p2, world.c, identity(), attributes(), by=None)
    lone = register_case(world.p1, world.a, identity(record_id="ZZREF-0010"), attributes(),
                         by=None)
    with pytest.raises(CaseInvalid, match="cases"):
        link_siblings([lone, elsewhere], by=None)
    with pytest.raises(CaseInvalid):
        link_siblings([lone], by=None)
    with pytest.raises(CaseInvalid):
        link_siblings([lone, brother], by=None)  # brother is already in a group


def test_assignments_open_once_and_close(world, canary_case, auditor):
    first = assign_to_case(auditor, canary_case, "audits", "NB-AUD-1")
    assert assign_to_case(auditor, canary_case, "audits", "NB-AUD-1") is first
    assign_to_case(auditor, canary_case, "audits", "NB-AUD-2")
    assert close_assignment(auditor, canary_case, "audits", "NB-AUD-1") == 1
    assert close_assignment(auditor, canary_case, "audits") == 1
    assert close_assignment(auditor, canary_case, "audits") == 0
    rows = db.session.scalars(select(CaseAssignment)).all()
    assert len(rows) == 2 and all(r.closed_at is not None for r in rows)
    assert _actions().count("case_assigned") == 2
    assert _actions().count("case_assignment_closed") == 2
