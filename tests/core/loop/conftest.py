"""Closing-the-loop tests reuse the action fixtures (clock, line, make_action)."""

from tests.core.actions.conftest import clock, inbox, line, make_action, outbox  # noqa: F401
