"""The "did it make a difference?" review: a random sample of signed-off actions, reproducible
under a seeded generator, recorded by someone independent of the owner and the signer."""

from __future__ import annotations

import random

import pytest

from core.actions import service
from core.actions.sampling import RNG_KEY
from core.actions.service import ActionRefused
from core.extensions import db


def _sign_off_many(make_action, line, n: int) -> list[bool]:
    picked = []
    for _ in range(n):
        action = make_action(line.practitioner)
        service.complete(action, line.practitioner, "Done")
        service.sign_off(action, line.tm, "met")
        db.session.commit()
        picked.append(action.review is not None)
    return picked


def test_the_sample_is_reproducible_under_a_seeded_generator(app, make_action, line):
    app.extensions[RNG_KEY] = random.Random(7)
    first = _sign_off_many(make_action, line, 30)
    draws = random.Random(7)
    expected = [draws.random() < 0.2 for _ in range(30)]
    assert first == expected
    assert 0 < sum(first) < 30
    app.extensions[RNG_KEY] = random.Random(7)
    assert _sign_off_many(make_action, line, 30) == first


def test_the_sample_rate_is_a_setting(app, make_action, line, seeded):
    app.config["ACTIONS"] = {"review_sample_rate": 1}
    assert _sign_off_many(make_action, line, 3) == [True, True, True]
    app.config["ACTIONS"] = {"review_sample_rate": 0}
    assert _sign_off_many(make_action, line, 3) == [False, False, False]
    app.config["ACTIONS"] = {"review_sample_rate": 2}
    with pytest.raises(ValueError, match="review_sample_rate"):
        _sign_off_many(make_action, line, 1)


def test_returned_actions_are_never_sampled(app, make_action, line):
    app.config["ACTIONS"] = {"review_sample_rate": 1}
    action = make_action(line.practitioner)
    service.complete(action, line.practitioner, "Done")
    service.sign_off(action, line.tm, "not_met", "No evidence")
    assert action.review is None


def test_a_reviewer_records_whether_it_made_a_difference(app, make_action, line, login):
    app.config["ACTIONS"] = {"review_sample_rate": 1}
    action = make_action(line.practitioner)
    service.complete(action, line.practitioner, "Done")
    service.sign_off(action, line.tm, "met")
    db.session.commit()
    reviewer = login(line.qa)
    listed = reviewer.get("/actions/?review_due=yes").text
    assert action.reference in listed
    assert reviewer.post(f"/actions/{action.id}/review", data={"outcome": ""}).status_code == 400
    assert reviewer.post(f"/actions/{action.id}/review", data={
        "outcome": "made_difference", "notes": "Plans now reviewed monthly"}).status_code == 302
    db.session.expire_all()
    assert (action.review.outcome, action.review.reviewer_id) == ("made_difference", line.qa.id)
    assert action.reference not in reviewer.get("/actions/?review_due=yes").text
    with pytest.raises(ActionRefused, match="already been recorded"):
        service.record_review(action, line.qa, "partly", "Again")


def test_the_signer_cannot_review_their_own_sign_off(app, make_action, line):
    app.config["ACTIONS"] = {"review_sample_rate": 1}
    action = make_action(line.practitioner)
    service.complete(action, line.practitioner, "Done")
    service.sign_off(action, line.tm, "met")
    with pytest.raises(ActionRefused, match="someone other than"):
        service.record_review(action, line.tm, "partly", "Mine")
