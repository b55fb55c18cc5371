"""Composing a report: core first, plugins in order, themes last; bad sections named."""

from __future__ import annotations

import pytest

from core.extensions import db
from core.plugins import PluginError
from core.reports.compose import build_report
from core.reports.sections import ReportContext, ReportFinding, ReportSection
from tests.conftest import EXAMPLE
from tests.core.reports import sections_plugin
from tests.support.reports import QUARTER

PLUGIN = {"sectiontest": "tests.core.reports.sections_plugin", **EXAMPLE}


@pytest.fixture
def app_with_sections(make_app):
    sections_plugin.SECTIONS.clear()
    sections_plugin.SEEN.clear()
    app = make_app(EXTRA_PLUGINS=PLUGIN, ENABLED_PLUGINS=["sectiontest"])
    with app.app_context():
        yield app
        db.session.remove()
    sections_plugin.SECTIONS.clear()


def context(world_objects):
    return ReportContext(world_objects, *QUARTER, "quarterly")


def partnership():
    from tests.support import factories as f

    p = f.make_partnership()
    db.session.commit()
    return p


def test_core_comes_first_then_each_plugin_in_its_order_then_themes(app_with_sections):
    sections_plugin.SECTIONS[:] = [
        ReportSection("sectiontest.late", "Late", order=5, findings=(
            ReportFinding("Voice of the child", "Views were not recorded"),)),
        ReportSection("sectiontest.b", "Second", findings=(
            ReportFinding("voice of the  child", "Children were not seen alone"),
            ReportFinding("Planning", "Plans were not SMART"))),
    ]
    where = partnership()

    report = build_report(context(where))

    keys = [s.key for s in report.sections]
    assert keys == ["core.completion", "core.grades", "core.moderation", "core.actions",
                    "sectiontest.late", "sectiontest.b", "core.themes"]
    themes = report.sections[-1]
    assert [(f.theme, f.text) for f in themes.findings] == [
        ("Voice of the child", "Views were not recorded (Late)"),
        ("voice of the child", "Children were not seen alone (Second)"),
        ("Planning", "Plans were not SMART (Second)")]
    assert themes.chart.categories == ("Voice of the child", "Planning")
    assert sections_plugin.SEEN[0].partnership is where


@pytest.mark.parametrize(("keys", "message"), [
    (["other.thing"], "must start with 'sectiontest.'"),
    (["sectiontest"], "must start with 'sectiontest.'"),
    (["core.themes"], "must start with 'sectiontest.'"),
    (["sectiontest.a", "sectiontest.a"], "'sectiontest.a' is already used by 'sectiontest'"),
])
def test_a_section_with_a_foreign_or_taken_key_names_the_plugin(app_with_sections, keys,
                                                                message):
    sections_plugin.SECTIONS[:] = [ReportSection(key, "Bad") for key in keys]

    with pytest.raises(PluginError, match=f"Plugin 'sectiontest'.*{message}"):
        build_report(context(partnership()))


def test_a_section_that_is_not_a_report_section_is_refused(app_with_sections):
    sections_plugin.SECTIONS[:] = [{"key": "sectiontest.x"}]

    with pytest.raises(PluginError, match="qa_report_sections returned dict"):
        build_report(context(partnership()))
