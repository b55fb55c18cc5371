"""Charts are accessible inline SVG that the CSP allows, with a table of the same numbers."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from core.reports.charts import number, render_svg, table_of
from core.reports.sections import ChartSeries, ReportChart

SVG = "{http://www.w3.org/2000/svg}"
CHART = ReportChart(
    "Grades by domain", ("Overall", "Management oversight"),
    (ChartSeries("Good", (5, 2)), ChartSeries("Inadequate", (1, 3.5))), stacked=True,
    category_label="Domain")


def test_the_svg_is_an_image_labelled_by_its_title_and_description():
    root = ET.fromstring(str(render_svg(CHART, "c1")))

    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-title c1-desc"
    assert root.find(f"{SVG}title").text == "Grades by domain"
    assert root.find(f"{SVG}title").get("id") == "c1-title"
    desc = root.find(f"{SVG}desc")
    assert desc.get("id") == "c1-desc"
    assert "Management oversight: Good 2, Inadequate 3.5" in desc.text


def test_the_svg_uses_no_style_attribute_or_script_so_the_csp_keeps_it():
    text = str(render_svg(CHART, "c1"))

    assert "style=" not in text and "<style" not in text and "<script" not in text
    assert 'fill="#' in text


def test_bars_are_drawn_to_the_same_numbers_as_the_table():
    root = ET.fromstring(str(render_svg(CHART, "c1")))
    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect")
              if r.get("height") == "20"]
    header, rows = table_of(CHART)

    values = [v for row in rows for v in row[1:3]]
    assert header == ["Domain", "Good", "Inadequate", "Total"]
    assert rows == [["Overall", 5, 1, 6], ["Management oversight", 2, 3.5, 5.5]]
    assert widths[0] / widths[1] == pytest.approx(values[0] / values[1], rel=0.01)
    assert widths[2] / widths[3] == pytest.approx(values[2] / values[3], rel=0.01)
    shown = re.findall(r">([\d.]+)</text>", str(render_svg(CHART, "c1")))
    assert shown == ["6", "5.5"]  # each stacked bar is labelled with its total


def test_labels_from_plugins_are_escaped():
    chart = ReportChart("<b>x</b>", ("<script>alert(1)</script>",), (ChartSeries("s", (1,)),))

    text = str(render_svg(chart, "c2"))

    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "<b>" not in text


def test_a_chart_with_mismatched_or_negative_values_is_refused():
    with pytest.raises(ValueError, match="2 values for 1 categories"):
        ReportChart("t", ("a",), (ChartSeries("s", (1, 2)),))
    with pytest.raises(ValueError, match="numbers >= 0"):
        ChartSeries("s", (-1,))


def test_numbers_read_as_people_write_them():
    assert number(1234) == "1,234"
    assert number(33.333, "%") == "33.3%"
    assert number(None) == "No data"
    assert number(80.0, "%") == "80%"
