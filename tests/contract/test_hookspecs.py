"""Meta-tests: every hook is documented, implemented by the example plugin, and exercised."""

from pathlib import Path

from core.cli import hook_reference
from tests.fixtures.plugins.example import plugin as example

TESTS = Path(__file__).resolve().parent.parent


def test_every_hook_has_a_docstring_that_says_when_it_is_called():
    for name, doc in hook_reference():
        assert "Called" in doc, f"{name} does not say when it is called"


def test_the_example_plugin_implements_every_hook():
    missing = [name for name, _ in hook_reference() if not hasattr(example, name)]
    assert missing == []


def test_the_cli_prints_the_hook_reference(app):
    output = app.test_cli_runner().invoke(args=["plugins", "hooks"]).output
    for name, _ in hook_reference():
        assert name in output


def test_every_hook_is_named_in_a_test_outside_this_file():
    corpus = "".join(
        p.read_text() for p in TESTS.rglob("test_*.py") if p.name != "test_hookspecs.py"
    )
    untested = [name for name, _ in hook_reference() if name not in corpus]
    assert untested == [], f"hooks without a test: {untested}"
