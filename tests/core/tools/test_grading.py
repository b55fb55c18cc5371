"""The Ofsted scale, 0-10 scores and the overall-grade rules (no database needed)."""

import pytest

from core.tools.grading import (
    GRADES,
    NOT_APPLICABLE,
    Grade,
    GradingError,
    grade_from_score,
    overall_grade,
)

G, RI, BAD, TOP = Grade.GOOD, Grade.REQUIRES_IMPROVEMENT, Grade.INADEQUATE, Grade.OUTSTANDING


def test_grades_are_ordered_from_outstanding_down_to_inadequate():
    assert TOP > G > RI > BAD
    assert min(GRADES) is BAD and max(GRADES) is TOP
    assert [g.label for g in GRADES] == ["Outstanding", "Good", "Requires improvement",
                                         "Inadequate"]


@pytest.mark.parametrize(("score", "grade"), [
    (0, BAD), (2, BAD), (3, RI), (5, RI), (6, G), (8, G), (9, TOP), (10, TOP),
])
def test_scores_map_to_grades_at_every_band_boundary(score, grade):
    assert grade_from_score(score) is grade


@pytest.mark.parametrize("score", [-1, 11, 7.5, "7", True, None, 7.0])
def test_a_score_outside_0_to_10_or_not_a_whole_number_is_refused(score):
    with pytest.raises(ValueError, match="score"):
        grade_from_score(score)


def test_an_inadequate_domain_makes_the_overall_grade_inadequate():
    result = overall_grade({"A": G, "B": BAD, "C": TOP}, "limiting_judgement", chosen=G)
    assert result.grade is BAD
    assert result.limited and not result.overridden
    assert result.limited_by == ("B",)
    assert "B" in result.reason


def test_the_limiting_judgement_can_be_overridden_with_a_reason():
    reason = "The inadequate area is historic and was put right in the period."
    result = overall_grade({"A": G, "B": BAD}, chosen=G, override=RI, override_reason=reason)
    assert (result.grade, result.limited, result.overridden, result.reason) == (
        RI, True, True, reason)


@pytest.mark.parametrize("reason", [None, "", "   ", "too short"])
def test_an_override_without_a_real_reason_is_refused_naming_override_reason(reason):
    with pytest.raises(GradingError) as caught:
        overall_grade({"A": G, "B": BAD}, override=G, override_reason=reason)
    assert caught.value.field == "override_reason"


def test_not_applicable_domains_are_ignored():
    result = overall_grade({"A": G, "B": NOT_APPLICABLE, "C": "good"})
    assert result.grade is G and not result.limited


def test_when_every_domain_is_not_applicable_there_is_no_overall_grade():
    result = overall_grade({"A": NOT_APPLICABLE, "B": NOT_APPLICABLE})
    assert result.grade is None
    with pytest.raises(GradingError):
        overall_grade({"A": NOT_APPLICABLE}, override=G, override_reason="a long enough reason")


def test_without_a_chosen_grade_the_limiting_rule_starts_from_the_most_common_grade():
    assert overall_grade({"A": G, "B": G, "C": TOP}).grade is G


def test_the_lowest_rule_takes_the_worst_domain():
    assert overall_grade({"A": TOP, "B": RI, "C": G}, "lowest").grade is RI


def test_the_mode_rule_breaks_a_tie_towards_the_worse_grade():
    assert overall_grade({"A": TOP, "B": RI, "C": G, "D": G, "E": RI}, "mode").grade is RI


def test_the_auditor_rule_needs_a_chosen_grade_and_limits_only_when_asked():
    with pytest.raises(GradingError) as caught:
        overall_grade({"A": G}, "auditor")
    assert caught.value.field == "chosen"
    assert overall_grade({"A": G, "B": BAD}, "auditor", chosen=TOP).grade is TOP
    assert overall_grade({"A": G, "B": BAD}, "auditor", chosen=TOP, limiting=True).grade is BAD


def test_an_unknown_grade_or_rule_is_refused_with_the_field_named():
    with pytest.raises(GradingError, match=r"domain_grades\[A\]"):
        overall_grade({"A": "excellent"})
    with pytest.raises(GradingError, match="rule"):
        overall_grade({"A": G}, "average")
