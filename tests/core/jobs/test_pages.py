"""Job pages: progress to poll, who may see a job, and a list scoped to one's own jobs."""

from __future__ import annotations

from core.extensions import db
from core.jobs import enqueue
from core.jobs.models import JobRecord
from tests.core.jobs import jobtest_plugin


def _queued(name: str, user, **kwargs) -> JobRecord:
    """A committed job that has not run yet (as if waiting for a worker)."""
    from core.jobs import outbox

    record = enqueue(name, created_by=user.id, **kwargs)
    db.session.info.pop(outbox.PENDING)
    db.session.commit()
    return record


def test_progress_is_visible_to_the_json_poll_while_the_job_runs(app, world, login):
    client = login(world.tm_a)
    polls = []
    record = enqueue("jobtest.echo", created_by=world.tm_a.id, code="poll")

    def poll() -> None:  # another request, with its own app context and session
        with app.app_context():
            polls.append(client.get(f"/jobs/{record.id}.json").get_json())

    jobtest_plugin.PROBES.append(poll)
    db.session.commit()
    assert polls == [{"status": "running", "progress": 40, "result_url": "/jobs/"}]
    assert client.get(f"/jobs/{record.id}.json").get_json() == {
        "status": "finished", "progress": 100, "result_url": "/jobs/"}


def test_the_job_page_shows_status_progress_and_a_refresh_link_without_inline_styles(
        app, world, login):
    record = _queued("jobtest.echo", world.tm_a, code="page")
    page = login(world.tm_a).get(f"/jobs/{record.id}")
    assert page.status_code == 200
    assert 'govuk-tag--grey">Waiting' in page.text
    assert '<progress id="job-progress" class="app-progress" max="100" value="0">' in page.text
    assert f'href="/jobs/{record.id}">Refresh</a>' in page.text
    assert "style=" not in page.text


def test_a_finished_job_links_to_its_result(app, world, login):
    record = enqueue("jobtest.echo", created_by=world.tm_a.id, code="done")
    db.session.commit()
    page = login(world.tm_a).get(f"/jobs/{record.id}")
    assert "Finished" in page.text
    assert 'href="/jobs/"' in page.text and "See the result" in page.text
    assert "<progress" not in page.text


def test_a_failed_job_page_names_the_error_type_only(app, world, login):
    record = enqueue("jobtest.fail", created_by=world.tm_a.id, code="bad")
    db.session.commit()
    page = login(world.tm_a).get(f"/jobs/{record.id}")
    assert "The job failed (ValueError)" in page.text
    assert jobtest_plugin.CANARY not in page.text


def test_another_person_gets_404_for_someone_elses_job(app, world, login):
    record = _queued("jobtest.echo", world.tm_a, code="mine")
    client = login(world.tm_b)
    assert client.get(f"/jobs/{record.id}").status_code == 404
    assert client.get(f"/jobs/{record.id}.json").status_code == 404
    assert client.get("/jobs/no-such-job").status_code == 404


def test_someone_with_view_all_sees_any_job(app, world, login):
    record = _queued("jobtest.echo", world.tm_a, code="any")
    assert login(world.admin).get(f"/jobs/{record.id}.json").status_code == 200


def test_signed_out_people_are_sent_to_sign_in(app, world, client):
    record = _queued("jobtest.echo", world.tm_a, code="anon")
    assert client.get(f"/jobs/{record.id}.json").status_code in (302, 401)
    assert client.get("/jobs/").status_code in (302, 401)


def test_the_job_list_shows_only_ones_own_jobs(app, world, login):
    mine = _queued("jobtest.echo", world.tm_a, code="a1")
    theirs = _queued("jobtest.fail", world.tm_b, code="b1")
    page = login(world.tm_a).get("/jobs/")
    assert f"/jobs/{mine.id}" in page.text and "Echo a code" in page.text
    assert f"/jobs/{theirs.id}" not in page.text


def test_the_job_list_of_someone_with_view_all_shows_every_job(app, world, login):
    mine = _queued("jobtest.echo", world.tm_a, code="a2")
    theirs = _queued("jobtest.fail", world.tm_b, code="b2")
    page = login(world.admin).get("/jobs/")
    assert f"/jobs/{mine.id}" in page.text and f"/jobs/{theirs.id}" in page.text


def test_result_links_must_stay_on_this_site(app):
    import pytest

    from core.jobs.runner import _local_path

    for bad in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)", "/\\evil"):
        with pytest.raises(ValueError, match="path on this site"):
            _local_path(bad)
    assert _local_path("/cases/import/1") == "/cases/import/1"
