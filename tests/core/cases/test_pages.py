"""The case pages: scoped list, coding form, case page, withheld information, identity changes."""

from __future__ import annotations

from sqlalchemy import func, select

from core.accesslog.models import AccessLogEntry
from core.cases.models import Case, WithheldInformation
from core.cases.service import assign_to_case, register_case
from core.extensions import db
from tests.core.cases.conftest import CANARY_NAME, CANARY_REF, attributes, identity, leaks
from tests.support.factories import login_as, make_user


def _form(world, **changes) -> dict:
    data = {"partnership": str(world.p1.id), "agency": str(world.a.id), "name": "ZZPAGE-NAME",
            "dob_day": "2", "dob_month": "3", "dob_year": "2015", "record_id": "ZZPAGE-REF",
            "nhs_number": "943 476 5919", "alias": "", "cohort": "child_protection",
            "sex": "male", "ethnicity": "AIND", "disability": "yes",
            "team": str(world.team_a.id), "practitioner": ""}
    return {**data, **changes}


def _cases() -> int:
    return db.session.scalar(select(func.count()).select_from(Case))


def _actions(action: str) -> list[AccessLogEntry]:
    db.session.expire_all()
    return list(db.session.scalars(select(AccessLogEntry).where(AccessLogEntry.action == action)))


# --- List -------------------------------------------------------------------------------------


def test_the_list_shows_codes_and_attributes_never_identity(world, canary_case, login):
    page = login(world.coordinator).get("/cases/")
    assert page.status_code == 200 and canary_case.code in page.text
    for shown in ("10-15", "Child in need", "Northbrook Council", "Assessment"):
        assert shown in page.text
    assert not leaks(page.text)


def test_the_list_is_scoped_to_the_cases_people_may_see(world, canary_case, login):
    assert canary_case.code in login(world.tm_a).get("/cases/").text
    assert canary_case.code not in login(world.tm_b).get("/cases/").text
    assert canary_case.code not in login(world.tm_c).get("/cases/").text
    assert login(world.practitioner_a).get("/cases/").status_code == 403


def test_an_open_assignment_brings_a_case_into_a_partner_agencys_view(
        world, canary_case, login):
    auditor = make_user("agency_lead_auditor", world.b, email="police.auditor@example.test")
    assign_to_case(auditor, canary_case, "audits", "NB-AUD-1")
    db.session.commit()
    client = login(auditor)
    assert canary_case.code in client.get("/cases/").text
    assert client.get(f"/cases/{canary_case.code}").status_code == 200


def test_the_list_filters_by_code_cohort_and_team(world, canary_case, login):
    other = register_case(world.p1, world.a, identity(record_id="ZZREF-0002"),
                          attributes(cohort="care_leaver"), by=None)
    db.session.commit()
    client = login(world.coordinator)
    by_code = client.get(f"/cases/?code={canary_case.code[3:9].lower()}").text
    assert canary_case.code in by_code and other.code not in by_code
    by_cohort = client.get("/cases/?cohort=care_leaver").text
    assert other.code in by_cohort and canary_case.code not in by_cohort
    by_team = client.get(f"/cases/?team={world.team_a.id}").text
    assert canary_case.code in by_team and other.code not in by_team


# --- Coding a case ----------------------------------------------------------------------------


def test_the_new_case_page_is_marked_and_offers_only_the_registrars_agencies(
        world, registrar, login):
    page = login(registrar).get("/cases/new")
    assert page.status_code == 200 and "OFFICIAL-SENSITIVE" in page.text
    assert "Northbrook Council" in page.text
    assert "Northbrook Police" not in page.text and "Southmere Council" not in page.text


def test_people_who_may_not_code_cases_are_refused(world, login):
    assert login(world.tm_a).get("/cases/new").status_code == 403


def test_coding_a_case_from_the_page_redirects_to_its_code(world, registrar, login):
    response = login(registrar).post("/cases/new", data=_form(world))
    assert response.status_code == 302
    case = db.session.scalar(select(Case))
    assert response.headers["Location"].endswith(f"/cases/{case.code}")
    assert case.unseal("name") == "ZZPAGE-NAME" and case.unseal("date_of_birth") == "2015-03-02"
    assert (case.cohort, case.sex, case.ethnicity, case.disability) == (
        "child_protection", "male", "AIND", True)
    assert case.created_by_id == registrar.id and case.agency_id == world.a.id
    assert len(_actions("case_coded")) == 1


def test_every_problem_is_shown_on_its_field_and_nothing_is_saved(world, registrar, login):
    page = login(registrar).post("/cases/new", data=_form(
        world, name="", dob_month="", nhs_number="1234", cohort="", ethnicity="XXXX"))
    assert page.status_code == 400
    for anchor, message in [("name", "Enter the child&#39;s name"),
                            ("dob_day", "Date of birth must include a month"),
                            ("nhs_number", "NHS number must be 10 digits"),
                            ("cohort", "Select the cohort"),
                            ("ethnicity", "DfE ethnicity code")]:
        assert f'href="#{anchor}"' in page.text and message in page.text
    assert 'value="ZZPAGE-REF"' in page.text  # what was typed is kept on the form
    assert _cases() == 0


def test_without_an_agency_the_other_fields_are_still_checked(world, registrar, login):
    page = login(registrar).post("/cases/new", data=_form(world, agency="", cohort="",
                                                          record_id=""))
    assert page.status_code == 400
    for anchor in ("agency", "record_id", "cohort"):
        assert f'href="#{anchor}"' in page.text


def test_coding_is_refused_with_a_message_when_the_blind_index_key_is_missing(
        world, registrar, login, app):
    app.config["BLIND_INDEX_KEY"] = None
    page = login(registrar).post("/cases/new", data=_form(world))
    assert page.status_code == 400 and "encryption key is not available" in page.text
    assert _cases() == 0


def test_a_duplicate_record_id_is_shown_on_its_field(world, registrar, canary_case, login):
    page = login(registrar).post("/cases/new", data=_form(world, record_id=CANARY_REF))
    assert page.status_code == 400
    assert 'href="#record_id"' in page.text and "already registered" in page.text
    assert _cases() == 1


def test_a_registrar_cannot_code_a_case_for_an_agency_beyond_their_reach(
        world, registrar, login):
    page = login(registrar).post("/cases/new", data=_form(world, agency=str(world.b.id),
                                                          team=""))
    assert page.status_code == 400 and 'href="#agency"' in page.text
    assert _cases() == 0


def test_a_post_without_a_csrf_token_is_refused(world, registrar, make_app):
    strict = make_app(WTF_CSRF_ENABLED=True)
    client = strict.test_client()
    login_as(client, registrar)
    assert client.post("/cases/new", data=_form(world)).status_code == 400
    assert _cases() == 0


# --- The case page ----------------------------------------------------------------------------


def test_the_case_page_shows_attributes_and_a_reveal_button_only_to_revealers(
        world, canary_case, login):
    page = login(world.coordinator).get(f"/cases/{canary_case.code.lower()}")
    assert page.status_code == 200
    for shown in ("Child in need", "White British (WBRI)", "Female", "Assessment"):
        assert shown in page.text
    assert "Reveal identity" in page.text and not leaks(page.text)
    assert "Reveal identity" not in login(world.tm_a).get(f"/cases/{canary_case.code}").text


def test_outsiders_and_malformed_codes_get_404(world, canary_case, login):
    assert login(world.tm_c).get(f"/cases/{canary_case.code}").status_code == 404
    assert login(world.tm_b).get(f"/cases/{canary_case.code}").status_code == 404
    assert login(world.coordinator).get("/cases/NB-XXXXXX-X").status_code == 404


def test_the_case_page_lists_visible_siblings(world, canary_case, login):
    from core.cases.service import link_siblings

    sister = register_case(world.p1, world.a, identity(record_id="ZZREF-0005"), attributes(),
                           by=None)
    group = link_siblings([canary_case, sister], by=world.coordinator)
    db.session.commit()
    page = login(world.tm_a).get(f"/cases/{canary_case.code}").text
    assert group.code in page and sister.code in page


# --- Withheld information ---------------------------------------------------------------------


def test_an_agency_records_withheld_information_without_the_information(
        world, canary_case, login):
    client = login(world.tm_a)
    page = client.post(f"/cases/{canary_case.code}/withheld", data={})
    assert page.status_code == 400
    assert 'href="#basis"' in page.text and 'href="#decided_by"' in page.text
    done = client.post(f"/cases/{canary_case.code}/withheld", data={
        "agency": str(world.a.id), "basis": "significant_harm",
        "decided_by": "Head of service", "context": "NB-AUD-7"})
    assert done.status_code == 302
    row = db.session.scalar(select(WithheldInformation))
    assert (row.agency_id, row.basis, row.decided_by, row.context) == (
        world.a.id, "significant_harm", "Head of service", "NB-AUD-7")
    (entry,) = _actions("withheld_recorded")
    assert entry.object_code == canary_case.code and "significant_harm" in entry.detail
    shown = client.get(f"/cases/{canary_case.code}").text
    assert "would cause significant harm or distress" in shown and "Head of service" in shown


def test_withheld_information_is_recorded_only_for_the_users_own_agency(
        world, canary_case, login):
    client = login(world.tm_a)
    page = client.post(f"/cases/{canary_case.code}/withheld", data={
        "agency": str(world.b.id), "basis": "not_necessary", "decided_by": "DI"})
    assert page.status_code == 400 and 'href="#agency"' in page.text
    assert db.session.scalar(select(WithheldInformation)) is None


def test_a_partner_agency_auditor_on_an_open_audit_records_for_their_agency(
        world, canary_case, login):
    auditor = make_user("agency_lead_auditor", world.b, email="police.auditor@example.test")
    assign_to_case(auditor, canary_case, "audits", "NB-AUD-1")
    db.session.commit()
    done = login(auditor).post(f"/cases/{canary_case.code}/withheld", data={
        "basis": "not_justified", "decided_by": "Detective Inspector"})
    assert done.status_code == 302
    assert db.session.scalar(select(WithheldInformation)).agency_id == world.b.id


def test_people_without_withholding_reach_cannot_record(world, canary_case, login):
    assert login(world.tm_b).get(f"/cases/{canary_case.code}/withheld").status_code == 404
    assert login(world.coordinator).get(
        f"/cases/{canary_case.code}/withheld").status_code == 403


# --- Changing identity ------------------------------------------------------------------------


def test_the_identity_page_never_shows_the_current_identity(world, registrar, canary_case, login):
    page = login(registrar).get(f"/cases/{canary_case.code}/identity")
    assert page.status_code == 200 and "OFFICIAL-SENSITIVE" in page.text
    assert not leaks(page.text)


def test_changing_identity_saves_each_field_and_logs_its_name(
        world, registrar, canary_case, login):
    response = login(registrar).post(f"/cases/{canary_case.code}/identity", data={
        "name": "ZZNEW-NAME", "clear": ["alias"]})
    assert response.status_code == 302
    db.session.expire_all()
    case = db.session.get(Case, canary_case.id)
    assert case.unseal("name") == "ZZNEW-NAME" and case.alias_enc is None
    assert case.unseal("record_id") == CANARY_REF
    assert sorted(e.detail for e in _actions("identity_changed")) == [
        "field: alias", "field: name"]


def test_a_bad_change_saves_nothing(world, registrar, canary_case, login):
    other = register_case(world.p1, world.a, identity(record_id="ZZREF-0002"), attributes(),
                          by=None)
    db.session.commit()
    page = login(registrar).post(f"/cases/{other.code}/identity", data={
        "name": "ZZNEW-NAME", "record_id": CANARY_REF})
    assert page.status_code == 400 and 'href="#record_id"' in page.text
    db.session.expire_all()
    assert db.session.get(Case, other.id).unseal("name") == CANARY_NAME
    assert not _actions("identity_changed")


def test_an_empty_change_is_refused(world, registrar, canary_case, login):
    page = login(registrar).post(f"/cases/{canary_case.code}/identity", data={})
    assert page.status_code == 400 and "Enter at least one new detail" in page.text


def test_people_who_may_not_register_cannot_change_identity(world, canary_case, login):
    assert login(world.tm_a).get(f"/cases/{canary_case.code}/identity").status_code == 403


def test_a_registrar_of_another_partnership_gets_404_on_identity(world, canary_case, login):
    other = make_user("qa_officer", world.c, email="qa.c@example.test")
    db.session.commit()
    assert login(other).get(f"/cases/{canary_case.code}/identity").status_code == 404


def test_the_case_page_lists_evidence_files_and_offers_legal_hold_to_the_coordinator(
        world, login, registrar):
    import io

    from core.cases.attachments import store

    case = register_case(world.p1, world.a, identity(), attributes(), registrar)
    db.session.commit()
    store(case, "minutes.pdf", io.BytesIO(b"%PDF-1.4 minutes"), registrar)
    db.session.commit()
    page = login(world.coordinator).get(f"/cases/{case.code}").text
    assert "Evidence files" in page and "Put this case under legal hold" in page
    page = login(registrar).get(f"/cases/{case.code}").text
    assert "Evidence files" in page and "Put this case under legal hold" not in page
