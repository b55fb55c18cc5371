"""Stored files in tests: each test keeps its files in its own folder, so what it counts on
disk is only what it stored, and parallel workers never see each other's files."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def own_instance(app, tmp_path, monkeypatch):
    """Point the app's instance folder (where sealed files live) at this test's own folder."""
    monkeypatch.setattr(app, "instance_path", str(tmp_path / "instance"))


def stored_files(app) -> list[Path]:
    """Every file under the instance folder, as this test left it."""
    folder = Path(app.instance_path)
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []
