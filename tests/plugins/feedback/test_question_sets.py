"""Question sets are tool data: every set loads, scales are scored, and a new version made in
core's tool editing is used by new links while old links keep theirs."""

from __future__ import annotations

import json

import pytest

from core.extensions import db
from core.toolkit import get_tool
from core.tools import editing
from core.tools.registry import latest_published
from plugins.feedback import questions, vocab
from tests.plugins.feedback.conftest import public_url

TOOLS = sorted({*vocab.CHILD_TOOLS.values(), *vocab.PARENT_TOOLS.values()})


@pytest.mark.parametrize("key", TOOLS)
def test_every_question_set_is_published_and_every_scale_is_scored(app, key):
    sections = questions.sections_of(get_tool(key))
    items = questions.items_of(sections)
    assert items and all(i.scored for i in items if i.kind == "options")
    assert any(i.kind == "text" and not i.required for i in items)  # room to say anything


def test_ratings_run_from_the_worst_answer_at_0_to_the_best_at_10(app):
    sections = questions.sections_of(get_tool("feedback.child_13_plus"))
    assert questions.rating(sections, {"W1": "Really good", "W2": "Really bad"}) == 5.0
    assert questions.rating(sections, {"W1": "Good"}) == 7.5
    assert questions.rating(sections, {"T1": "words only"}) is None
    assert questions.feels_unsafe(sections, {"SAFE1": "No"})
    assert not questions.feels_unsafe(sections, {"SAFE1": "Sometimes"})


def test_written_answers_are_cleaned_to_plain_text():
    assert questions.clean_text(" a\r\nb\rc\x00d\u202ee\u2066f \t") == "a\nb\ncdef"
    assert questions.clean_text("👩‍👧 family") == "👩‍👧 family"  # joiners kept


def test_a_new_version_edited_by_an_admin_is_used_by_new_links_only(app, client, make_link,
                                                                    world):
    old_link, old_token = make_link("child_under_8", "any_time")
    draft = editing.copy_to_draft(latest_published("feedback.child_under_8"), world.admin)
    definition = json.loads(draft.definition)
    definition["domains"][0]["questions"][0]["text"] = "How do you feel about your worker?"
    assert editing.save_draft(draft, json.dumps(definition), draft.lock_version) == []
    editing.publish(draft, world.admin)
    db.session.commit()
    new_link, new_token = make_link("child_under_8", "any_time")
    assert (old_link.tool_version, new_link.tool_version) == (1, 2)
    assert "How do you feel about your worker?" in client.get(public_url(new_token)).text
    old_page = client.get(public_url(old_token)).text
    assert "How do you feel when your social worker comes to see you?" in old_page


# Longest question, in words, and longest word, in letters, a child of each age should meet.
READING = {"feedback.child_under_8": (12, 8), "feedback.child_8_to_12": (10, 10),
           "feedback.child_13_plus": (15, 10), "feedback.care_leaver": (15, 10)}


@pytest.mark.parametrize("key", sorted(READING))
def test_childrens_questions_stay_short_enough_for_their_age(app, key):
    most_words, longest_word = READING[key]
    for item in questions.items_of(questions.sections_of(get_tool(key))):
        words = item.text.replace("-", " ").split()
        assert len(words) <= most_words, item.text
        assert max(len(w.strip("?,.!'\u2019")) for w in words) <= longest_word, item.text
        assert all(len(o.label.split()) <= 3 for o in item.options), item.options
