"""Information-governance officers browse, filter and export the log of their partnership."""

import csv
import io

import pytest

from core.accesslog.chain import append, verify
from core.extensions import db
from tests.support.factories import make_user


@pytest.fixture
def ig(world):
    officer = make_user("ig_officer", world.p1, email="ig@example.test")
    append("identity_revealed", "case", "NB-AAAAAA-A", user=world.coordinator,
           partnership_id=world.p1.id, detail="reason: auditing this case")
    append("export", "report", "NB-REPORT", user=world.tm_a, partnership_id=world.p1.id,
           detail="=HYPERLINK(\"http://x\")")
    append("identity_revealed", "case", "SM-BBBBBB-B", user=world.tm_c,
           partnership_id=world.p2.id)
    db.session.commit()
    return officer


def test_an_ig_officer_sees_only_their_partnerships_entries(login, ig):
    page = login(ig).get("/access-log/").text
    assert "NB-AAAAAA-A" in page and "coord@example.test" in page
    assert "SM-BBBBBB-B" not in page


def test_the_log_filters_by_person_case_code_and_action(login, ig):
    client = login(ig)
    by_code = client.get("/access-log/?code=nb-aaaaaa-a").text
    assert "NB-AAAAAA-A" in by_code and "NB-REPORT" not in by_code
    by_person = client.get("/access-log/?person=tm.a@example.test").text
    assert "NB-REPORT" in by_person and "NB-AAAAAA-A" not in by_person
    by_action = client.get("/access-log/?action=export").text
    assert "NB-REPORT" in by_action and "NB-AAAAAA-A" not in by_action


def test_a_bad_date_is_reported_on_its_field(login, ig):
    page = login(ig).get("/access-log/?date_from=31/02/2026").text
    assert 'href="#date_from"' in page and "Enter a real date" in page


def test_a_date_range_includes_whole_london_days(login, ig):
    client = login(ig)
    assert "NB-REPORT" in client.get("/access-log/?date_from=01/01/2000&date_to=31/12/2999").text
    assert "NB-REPORT" not in client.get("/access-log/?date_to=01/01/2000").text


def test_the_csv_export_is_marked_neutralised_scoped_and_logged(login, ig):
    response = login(ig).get("/access-log/export.csv")
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["OFFICIAL-SENSITIVE"]
    codes = {r[5] for r in rows[2:]}
    assert "NB-AAAAAA-A" in codes and "SM-BBBBBB-B" not in codes
    assert "'=HYPERLINK(\"http://x\")" in [r[8] for r in rows[2:]]
    db.session.expire_all()
    assert verify().checked == 4  # three entries and the export itself


def test_people_without_the_permission_are_refused(login, world, ig):
    assert login(world.coordinator).get("/access-log/").status_code == 403
