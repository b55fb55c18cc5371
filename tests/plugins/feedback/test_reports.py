"""Report sections: volumes by channel and occasion, ratings by month, themes, alerts and how
fast they were acknowledged, "you said, we did"; quarterly and annual; empty database too."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from core.extensions import db
from core.reports.sections import ReportContext
from core.workflow.sweep import run_sla_sweep
from plugins.feedback import reports
from plugins.feedback.alerts import acknowledge
from plugins.feedback.models import DisclosureAlert, ResponseTheme, YouSaidWeDid
from tests.plugins.feedback.conftest import public_url


def figures(section) -> dict:
    return {f.label: f.value for f in section.figures}


def quarter(world, **place) -> ReportContext:
    return ReportContext(world.p1, date(2026, 1, 1), date(2026, 3, 31), "quarterly", **place)


def test_every_section_renders_on_an_empty_database(app, world):
    found = reports.sections(quarter(world))
    assert [s.key for s in found] == ["feedback.volumes", "feedback.ratings", "feedback.themes",
                                      "feedback.disclosures", "feedback.you_said"]
    assert figures(found[0])["Feedback received"] == 0
    assert figures(found[0])["Links answered"] is None
    assert all(s.chart is None for s in found)


def test_the_quarter_counts_channels_ratings_themes_alerts_and_you_said_we_did(
        app, client, make_link, world, cases, frozen):
    frozen.at(2026, 1, 20, 10, 0)
    _, happy = make_link("child_under_8", "any_time")
    client.post(public_url(happy), data={"q_W1": "Happy", "q_W2": "Yes"})  # rating 10
    frozen.at(2026, 2, 10, 10, 0)
    _, sad = make_link("child_13_plus", "before_review")
    client.post(public_url(sad), data={"q_W1": "Really bad", "q_T3": "He hit me"})  # 0
    make_link("parent_carer", "meeting")  # sent, never answered
    _, elsewhere = make_link("child_13_plus", "any_time", case=cases.b)
    client.post(public_url(elsewhere), data={"q_W1": "Good"})  # agency B
    frozen.at(2026, 2, 11, 9, 0)
    alert = db.session.scalars(select(DisclosureAlert)).one()
    run_sla_sweep(frozen.now)  # past the end of 10 February: escalated
    acknowledge(alert, world.tm_a, "Visited the same morning")
    db.session.add(ResponseTheme(response_id=alert.response_id, theme="Feeling safe"))
    db.session.add(YouSaidWeDid(theme="Feeling safe", you_said="You said you felt unsafe",
                                we_did="We visited the same day", created_by_id=world.tm_a.id,
                                partnership_id=world.p1.id, agency_id=world.a.id,
                                team_id=world.team_a.id, created_at=frozen.now))
    db.session.commit()

    volumes, ratings, themes, alerts, you_said = reports.sections(quarter(world, agency=world.a))
    assert figures(volumes) == {
        "Feedback received": 2, "From children and young people": 2, "Telephone calls": 0,
        "Calls where the family declined or could not be reached": 0,
        "Feedback links sent": 3, "Links answered": 66.7}
    assert volumes.chart.categories == ("Before my review", "Any time")
    assert figures(ratings)["Average rating (0 to 10)"] == 5.0
    assert ratings.chart.categories == ("Jan 2026", "Feb 2026")  # March had none: left out
    assert ratings.chart.series[0].values == (10.0, 0.0)
    assert themes.chart.categories == ("Feeling safe",)
    assert [f.theme for f in themes.findings] == ["Feeling safe"]
    assert figures(alerts) == {"Alerts raised": 1, "Acknowledged the same working day": 0.0,
                               "Median hours to acknowledge": 23.0, "Escalated": 1,
                               "Not yet acknowledged": 0}
    assert "We did: We visited the same day" in you_said.narrative
    assert figures(reports.volumes(quarter(world)))["Feedback received"] == 3  # partnership
    later = ReportContext(world.p1, date(2026, 4, 1), date(2027, 3, 31), "annual")
    assert figures(reports.volumes(later))["Feedback received"] == 0


def test_the_sections_appear_in_the_partnership_report_page(app, client, make_link, world,
                                                            frozen, login):
    _, token = make_link()
    client.post(public_url(token), data={"q_W1": "Happy"})
    page = login(world.coordinator).get(
        f"/reports/{world.p1.id}?period=quarterly&start=2026-01-01&end=2026-03-31")
    assert page.status_code == 200
    for title in ("Child and family feedback", "Safeguarding alerts from feedback",
                  "You said, we did"):
        assert title in page.text
