"""Core's own contributions, written as an essential plugin that cannot be disabled."""
