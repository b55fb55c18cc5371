"""`flask seed-synthetic` makes the volumes the benchmarks need, reproducibly, and no identity."""

from __future__ import annotations

from sqlalchemy import func, select

from core.actions.models import Action
from core.cases.models import Case
from core.extensions import db
from core.synthetic import PARTNERSHIP
from core.tools.models import GradeRecord


def test_seeds_audits_with_ten_domains_and_an_overall_grade_and_actions(app):
    result = app.test_cli_runner().invoke(args=["seed-synthetic", "--audits", "30",
                                                "--actions", "7"])
    assert result.exit_code == 0, result.output
    assert f"Seeded '{PARTNERSHIP}': 30 audits" in result.output
    assert db.session.scalar(select(func.count()).select_from(Case)) == 30
    file_review = select(func.count()).select_from(GradeRecord).where(
        GradeRecord.stage == "file_review")
    assert db.session.scalar(file_review) == 30 * 11
    assert db.session.scalar(select(func.count()).select_from(Action)) == 7
    assert db.session.scalar(select(func.count()).select_from(Case).where(
        Case.name_enc.is_not(None))) == 0


def test_a_second_run_is_refused_and_adds_nothing(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["seed-synthetic", "--audits", "5", "--actions", "0"])
    again = runner.invoke(args=["seed-synthetic", "--audits", "5"])
    assert again.exit_code != 0
    assert "already exists" in again.output
    assert db.session.scalar(select(func.count()).select_from(Case)) == 5


def test_bad_numbers_are_refused_naming_the_option(app):
    result = app.test_cli_runner().invoke(args=["seed-synthetic", "--audits", "0"])
    assert result.exit_code != 0
    assert "--audits" in result.output
