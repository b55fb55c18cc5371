"""Tool files: the library and the example validate; bad files fail with file, path, reason."""

from pathlib import Path

import pytest

from core.contributions import ToolSource
from core.tools.loader import ToolDefinitionError, load_sources, load_tool
from tests.core.tools.support import definition, write

ROOT = Path(__file__).resolve().parents[3]
LIBRARY = sorted((ROOT / "core" / "tools" / "library").glob("*.yaml"))
EXAMPLE_TOOL = ROOT / "tests" / "fixtures" / "plugins" / "example" / "tools" / "example_tool.yaml"


def problem_of(path: Path) -> str:
    with pytest.raises(ToolDefinitionError) as caught:
        load_tool(path)
    return str(caught.value)


def test_the_library_holds_the_three_seed_tools():
    keys = {load_tool(p).key for p in LIBRARY}
    assert keys == {"core.practice_standards", "core.key_areas", "core.collaborative_audit"}


@pytest.mark.parametrize("path", [*LIBRARY, EXAMPLE_TOOL], ids=lambda p: p.name)
def test_every_library_tool_and_the_example_tool_validates(path):
    tool = load_tool(path)
    assert tool.domains and all(d.questions for d in tool.domains)
    assert all(d.descriptors.for_grade(g) for d in tool.domains for g, _ in
               d.descriptors.by_grade())


def test_the_practice_standards_tool_has_standards_a_to_l_with_the_overall_as_i():
    tool = load_tool(ROOT / "core/tools/library/practice_standards.yaml")
    assert [d.code for d in tool.domains] == list("ABCDEFGHJKL")
    assert {d.code for d in tool.domains if d.allow_not_applicable} == {"J", "K", "L"}
    assert tool.overall_rule == "limiting_judgement"


def test_the_key_areas_tool_has_eight_areas_and_an_auditor_judgement_that_still_limits():
    tool = load_tool(ROOT / "core/tools/library/key_areas.yaml")
    assert len(tool.domains) == 8
    assert (tool.overall_rule, tool.limiting) == ("auditor", True)


def test_the_collaborative_audit_scores_each_domain_0_to_10():
    tool = load_tool(ROOT / "core/tools/library/collaborative_audit.yaml")
    assert [d.title for d in tool.domains] == [
        "Referral and contact", "Quality of practice", "Assessment", "Planning", "Review",
        "Management oversight"]
    assert all(d.grading == "score_0_10" for d in tool.domains)
    assert all(any(q.type == "score_0_10" for q in d.questions) for d in tool.domains)


def test_the_example_tool_uses_every_question_type():
    tool = load_tool(EXAMPLE_TOOL)
    assert {q.type for _, q in tool.questions()} == {
        "grade", "score_0_10", "yes_no_partly", "text", "date", "choice"}


def test_an_unknown_question_type_names_the_file_the_path_and_the_choices(tmp_path):
    data = definition()
    data["domains"][1]["questions"][0]["type"] = "stars"
    path = write(tmp_path, "bad.yaml", data)
    message = problem_of(path)
    assert str(path) in message
    assert "domains[1].questions[0].type" in message
    assert "Must be one of: grade, score_0_10, yes_no_partly, text, date, choice" in message


def test_a_domain_without_a_title_names_its_path(tmp_path):
    data = definition()
    del data["domains"][1]["title"]
    message = problem_of(write(tmp_path, "bad.json", data))
    assert "domains[1].title: Missing data for required field." in message


def test_duplicate_domain_codes_point_at_the_repeat_and_the_first_use(tmp_path):
    data = definition()
    data["domains"][1]["code"] = "A"
    message = problem_of(write(tmp_path, "bad.yaml", data))
    assert "domains[1].code: 'A' is used twice (first at domains[0])." in message


def test_duplicate_question_codes_are_refused_across_the_tool(tmp_path):
    data = definition()
    data["domains"][1]["questions"][0]["code"] = "A1"
    message = problem_of(write(tmp_path, "bad.yaml", data))
    assert "domains[1].questions[0].code: 'A1' is used twice" in message


def test_a_choice_question_without_choices_is_refused(tmp_path):
    data = definition()
    data["domains"][0]["questions"][0]["type"] = "choice"
    message = problem_of(write(tmp_path, "bad.yaml", data))
    assert "domains[0].questions[0].choices: A choice question needs at least two choices." in (
        message)


def test_a_misspelt_field_is_refused_rather_than_ignored(tmp_path):
    data = definition()
    data["domains"][1]["alow_not_applicable"] = True
    assert "domains[1].alow_not_applicable: Unknown field." in problem_of(
        write(tmp_path, "bad.yaml", data))


def test_several_problems_are_all_reported_at_once(tmp_path):
    data = definition(version="one")
    del data["title"]
    message = problem_of(write(tmp_path, "bad.yaml", data))
    assert "version: Not a valid integer." in message
    assert "title: Missing data for required field." in message


def test_a_yaml_syntax_error_names_the_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("key: toolfile.x\ndomains: [\n  - code: A\n", encoding="utf-8")
    message = problem_of(path)
    assert str(path) in message and "not valid YAML (line" in message


def test_a_key_given_twice_in_yaml_is_refused(tmp_path):
    path = tmp_path / "twice.yaml"
    path.write_text("key: toolfile.x\nkey: toolfile.y\n", encoding="utf-8")
    assert "the key 'key' is given twice" in problem_of(path)


def test_a_limiting_judgement_tool_cannot_switch_limiting_off(tmp_path):
    message = problem_of(write(tmp_path, "bad.yaml", definition(limiting=False)))
    assert "limiting: The limiting_judgement rule always limits" in message


def test_the_same_key_and_version_in_two_files_names_both(tmp_path):
    first = write(tmp_path, "first.yaml", definition())
    second = write(tmp_path, "second.json", definition())
    with pytest.raises(ToolDefinitionError) as caught:
        load_sources([("toolfile", ToolSource(tmp_path))])
    message = str(caught.value)
    assert str(first) in message and str(second) in message
    assert "toolfile.check version 1" in message


def test_a_tool_key_must_carry_the_plugins_namespace(tmp_path):
    write(tmp_path, "tool.yaml", definition(key="other.check"))
    with pytest.raises(ToolDefinitionError, match=r"'other.check' must start with 'toolfile.'"):
        load_sources([("toolfile", ToolSource(tmp_path))])


def test_a_missing_tool_source_is_reported(tmp_path):
    with pytest.raises(ToolDefinitionError, match="no such file or folder"):
        load_sources([("toolfile", ToolSource(tmp_path / "nowhere"))])
