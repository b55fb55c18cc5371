"""The pages: planning with errors named per field, selecting cases, the auditor's return form,
the family's voice, the meeting and the report, each refusing what the person may not do."""

from __future__ import annotations

from datetime import date

from core.accesslog.models import AccessLogEntry
from core.extensions import db
from core.workflow.calendar import add_working_days
from plugins.multi_agency.clock import london_today
from plugins.multi_agency.models import MultiAgencyAudit
from plugins.multi_agency.returns import return_of
from plugins.multi_agency.voice import voice_of
from tests.plugins.multi_agency.conftest import ANSWERS, CORE_GRADES, SECTION_ANSWERS, start
from tests.support import factories as f


def _date(name: str, day: date) -> dict[str, str]:
    return {f"{name}-day": str(day.day), f"{name}-month": str(day.month),
            f"{name}-year": str(day.year)}


def _programme(**changes) -> dict[str, str]:
    today = london_today()
    data = {"title": "Neglect baseline", "theme": "Neglect", "terms_of_reference": "ToR",
            "cohort": "CP plans", "is_baseline": "yes", "cases_min": "8", "cases_max": "10",
            "sub_committee": "QA sub-committee", "tracking_months": "12",
            **_date("pre_meeting_on", add_working_days(today, 5)),
            **_date("submission_deadline", add_working_days(today, 20)),
            **_date("consultation_on", add_working_days(today, 30)),
            **_date("report_due_on", add_working_days(today, 40))}
    data.update(changes)
    return data


def test_the_coordinator_plans_an_audit(ma, login):
    answer = login(ma.coordinator).post("/multi-agency/new", data=_programme())
    assert answer.status_code == 303
    audit = db.session.scalars(db.select(MultiAgencyAudit)).one()
    assert answer.headers["Location"].endswith(f"/multi-agency/{audit.id}")
    assert (audit.reference, audit.is_baseline, audit.theme_key) == ("NB-MAA-001", True,
                                                                     "neglect")


def test_planning_errors_name_each_field(ma, login):
    saturday = date(2026, 12, 5)
    answer = login(ma.coordinator).post("/multi-agency/new", data=_programme(
        title="", cases_min="12", **_date("submission_deadline", saturday),
        **{"report_due_on-day": "31", "report_due_on-month": "2"}))
    assert answer.status_code == 400
    for anchor in ('href="#title"', 'href="#cases_max"', 'href="#submission_deadline"',
                   'href="#report_due_on"'):
        assert anchor in answer.text
    assert "must be a working day" in answer.text
    assert db.session.scalars(db.select(MultiAgencyAudit)).all() == []


def test_an_auditor_cannot_plan_or_select_cases(audit, ma, login):
    client = login(ma.lead_a)
    assert client.get("/multi-agency/new").status_code == 403
    assert client.post(f"/multi-agency/{audit.id}/cases",
                       data={"code": ma.cases[0].code}).status_code == 403


def test_selecting_a_case_by_code_and_refusing_a_stranger(audit, ma, login, world):
    from core.cases.service import register_case

    audit.cases_max = 10
    stranger = register_case(world.p2, world.c, {"name": "X", "date_of_birth": "2012-01-01",
                                                 "record_id": "P2-1"},
                             {"cohort": "child_in_care"}, None)
    mine = register_case(world.p1, world.a, {"name": "Y", "date_of_birth": "2012-01-01",
                                             "record_id": "P1-9"},
                         {"cohort": "child_in_care"}, None)
    db.session.commit()
    client = login(ma.coordinator)
    assert client.post(f"/multi-agency/{audit.id}/cases",
                       data={"code": f" {mine.code.lower()} "}).status_code == 303
    refused = client.post(f"/multi-agency/{audit.id}/cases", data={"code": stranger.code})
    assert refused.status_code == 400 and 'href="#code"' in refused.text
    assert len(audit.cases) == 9
    listed = client.get(f"/multi-agency/{audit.id}/cases").text
    assert "Child in care" in listed and "child_in_care" not in listed  # the cohort in words


def _return_form(kind_answers: dict, **extra) -> dict[str, str]:
    data = {f"grades.{k}": v for k, v in {**CORE_GRADES, "POLICE": "good"}.items()}
    data.update({f"answers.{k}": v for k, v in {**ANSWERS, **kind_answers}.items()})
    data.update({"overall": "good", "evidence": "Read it all.", "what_worked": "Quick.",
                 "what_did_not": "Slow.", "action": "submit"})
    data.update(extra)
    return data


def test_the_police_auditor_submits_a_return_on_the_page(audit, ma, login):
    start(audit, ma)
    selected = audit.cases[1]
    url = f"/multi-agency/{audit.id}/cases/{selected.code}/returns/{ma.b.id}"
    client = login(ma.lead_b)
    form = client.get(url)
    assert 'name="grades.POLICE"' in form.text and 'name="answers.POL2"' in form.text
    incomplete = client.post(url, data=_return_form(SECTION_ANSWERS["police"],
                                                    **{"grades.RESP": ""}))
    assert incomplete.status_code == 400 and 'href="#grades.RESP"' in incomplete.text
    done = client.post(url, data=_return_form(SECTION_ANSWERS["police"]))
    assert done.status_code == 303
    assert return_of(selected, ma.b.id).submitted


def test_an_inadequate_domain_limits_the_overall_grade_unless_overridden(audit, ma, login):
    start(audit, ma)
    selected = audit.cases[1]
    url = f"/multi-agency/{audit.id}/cases/{selected.code}/returns/{ma.b.id}"
    client = login(ma.lead_b)
    client.post(url, data=_return_form(SECTION_ANSWERS["police"],
                                       **{"grades.POLICE": "inadequate", "action": "save"}))
    ret = return_of(selected, ma.b.id)
    assert (ret.overall, ret.limited) == ("inadequate", True)
    short = client.post(url, data=_return_form(SECTION_ANSWERS["police"], **{
        "grades.POLICE": "inadequate", "override": "good", "override_reason": "short",
        "version": str(ret.version)}))
    assert short.status_code == 400 and 'href="#override_reason"' in short.text
    client.post(url, data=_return_form(SECTION_ANSWERS["police"], **{
        "grades.POLICE": "inadequate", "override": "good", "version": str(ret.version),
        "override_reason": "The inadequate police response was outside the audit period."}))
    db.session.refresh(ret)
    assert (ret.overall, ret.submitted) == ("good", True)


def test_reopening_on_request(audit, ma, login):
    start(audit, ma)
    selected = audit.cases[1]
    base = f"/multi-agency/{audit.id}/cases/{selected.code}/returns/{ma.b.id}"
    auditor = login(ma.lead_b)
    auditor.post(base, data=_return_form(SECTION_ANSWERS["police"]))
    assert auditor.post(base + "/reopen-request",
                        data={"reopen_reason": "Found a later strategy discussion."}
                        ).status_code == 303
    assert login(ma.lead_a).post(base + "/reopen").status_code == 403
    assert login(ma.coordinator).post(base + "/reopen").status_code == 303
    assert return_of(selected, ma.b.id).status == "draft"


def test_withheld_information_is_recorded_through_core(audit, ma, login):
    start(audit, ma)
    selected = audit.cases[1]
    base = f"/multi-agency/{audit.id}/cases/{selected.code}/returns/{ma.b.id}"
    client = login(ma.lead_b)
    bad = client.post(base + "/withheld", data={"basis": "", "decided_by": ""})
    assert bad.status_code == 400 and 'href="#basis"' in bad.text
    client.post(base + "/withheld", data={"basis": "not_necessary", "decided_by": "DI"})
    assert "Sharing it is not necessary for the audit" in client.get(base).text
    actions = [e.action for e in db.session.scalars(db.select(AccessLogEntry))]
    assert "withheld_recorded" in actions


def test_the_named_participation_worker_records_the_childs_views(audit, ma, login, world):
    worker = f.make_user("practitioner", world.team_a, email="pw@example.test")
    audit.participation_worker = worker
    db.session.commit()
    start(audit, ma)
    selected = audit.cases[1]
    url = f"/multi-agency/{audit.id}/cases/{selected.code}/voice/child"
    client = login(worker)
    assert client.get(f"/multi-agency/{audit.id}").status_code == 403  # sees only this
    assert client.get(url).status_code == 200
    answer = client.post(url, data={"outcome": "spoke", "views": "I feel safer now.",
                                    **_date("contacted_on", london_today())})
    assert answer.status_code == 303
    assert voice_of(selected, "child").views == "I feel safer now."
    assert audit.reference in client.get("/multi-agency/family-views").text
    assert selected.code in client.get(f"/multi-agency/{audit.id}/voice/child").text
    assert login(world.practitioner_a).get(url).status_code == 404
    assert client.get(f"/multi-agency/{audit.id}/cases/{selected.code}/voice/parent"
                      ).status_code == 404


def test_the_meeting_and_findings_pages(audit, ma, login):
    start(audit, ma)
    client = login(ma.coordinator)
    answer = client.post(f"/multi-agency/{audit.id}/consultation",
                         data=_date("held_on", london_today()))
    assert answer.status_code == 303
    url = f"/multi-agency/{audit.id}/cases/{audit.cases[0].code}/finding"
    missing = client.post(url, data={"overall": "good"})
    assert missing.status_code == 400 and 'href="#grades.RESP"' in missing.text
    data = {f"grades.{k}": v for k, v in CORE_GRADES.items()}
    assert client.post(url, data={**data, "overall": "good", "summary": "Agreed.",
                                  "dissent": "Health disagreed."}).status_code == 303
    assert "Health disagreed." in client.get(f"/multi-agency/{audit.id}/consultation").text


def test_every_page_renders_for_the_coordinator(audit, ma, login):
    start(audit, ma)
    client = login(ma.coordinator)
    selected = audit.cases[0]
    for path in ("", "/programme", "/group", "/cases", f"/cases/{selected.code}", "/progress",
                 "/consultation", "/comparison", "/report", "/actions", "/declarations",
                 f"/cases/{selected.code}/returns/{ma.a.id}"):
        answer = client.get(f"/multi-agency/{audit.id}{path}")
        assert answer.status_code in (200, 403), path
        assert "ZZCANARY" not in answer.text
