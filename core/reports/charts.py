"""Bar charts as inline SVG, and the table of the same numbers that goes with every chart.

The SVG uses presentation attributes only (`fill`, `font-size`...), never `style`, so the
strict CSP (style-src 'self') leaves it intact; it needs no script. It is `role="img"` with a
`<title>` and a `<desc>` that reads the numbers out; the GOV.UK table under it holds exactly the
numbers the bars are drawn from (both come from `table_of`).
"""

from __future__ import annotations

from numbers import Real

from markupsafe import Markup, escape

from core.reports.sections import ReportChart

WIDTH = 720
LABEL_WIDTH = 230
VALUE_ROOM = 70
ROW = 34
BAR = 20
LEGEND_ROW = 24
FONT = "Arial, Helvetica, sans-serif"
# GOV.UK colours, in an order that reads best to worst for grade charts (green, blue, orange,
# red); each is at least 3:1 against white.
PALETTE = ("#00703c", "#1d70b8", "#f47738", "#d4351c", "#4c2c92", "#505a5f", "#28a197",
           "#912b88")


def number(value: float | int | None, unit: str = "") -> str:
    """12, 12.5 or 'No data'; a unit such as '%' follows without a space."""
    if value is None:
        return "No data"
    if isinstance(value, Real) and float(value).is_integer():
        text = f"{int(value):,}"
    elif isinstance(value, Real):
        text = f"{value:,.1f}"
    else:
        return str(value)
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}".rstrip()


def shows_total(chart: ReportChart) -> bool:
    return chart.stacked and len(chart.series) > 1


def totals(chart: ReportChart) -> list[float]:
    return [sum(s.values[i] for s in chart.series) for i in range(len(chart.categories))]


def table_of(chart: ReportChart) -> tuple[list[str], list[list[object]]]:
    """The header and rows of the chart's table: category, one column per series (and a
    total for stacked charts). Values are the numbers themselves, not text."""
    header = [chart.category_label or "Category", *(s.label for s in chart.series)]
    if shows_total(chart):
        header.append("Total")
    rows = []
    for i, category in enumerate(chart.categories):
        row: list[object] = [category, *(s.values[i] for s in chart.series)]
        if shows_total(chart):
            row.append(sum(s.values[i] for s in chart.series))
        rows.append(row)
    return header, rows


def description(chart: ReportChart) -> str:
    """What a screen reader hears: the kind of chart and every number in it."""
    if chart.description:
        return chart.description
    kind = "Stacked bar chart" if chart.stacked else "Bar chart"
    parts = []
    for i, category in enumerate(chart.categories):
        values = ", ".join(f"{s.label} {number(s.values[i], chart.unit)}" for s in chart.series)
        parts.append(f"{category}: {values}")
    return f"{kind}. " + "; ".join(parts) + ". The table that follows has the same numbers."


def render_svg(chart: ReportChart, ident: str) -> Markup:
    """The chart as an `<svg>` element; `ident` makes its title and desc ids unique."""
    legend = len(chart.series) > 1
    top = LEGEND_ROW * _legend_lines(chart) if legend else 0
    per_row = ROW if chart.stacked or len(chart.series) == 1 else BAR * len(chart.series) + 14
    height = top + per_row * max(len(chart.categories), 1) + 10
    scale = _scale(chart)
    body = [_legend(chart)] if legend else []
    for i, category in enumerate(chart.categories):
        body.append(_row(chart, i, category, top + i * per_row, scale))
    # every text from data passes through escape() in here or in _legend/_row
    return Markup(  # noqa: S704
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" font-family="{FONT}" font-size="14" '
        f'aria-labelledby="{ident}-title {ident}-desc">'
        f'<title id="{ident}-title">{escape(chart.title)}</title>'
        f'<desc id="{ident}-desc">{escape(description(chart))}</desc>'
        + "".join(body) + "</svg>"
    )


def _scale(chart: ReportChart) -> float:
    biggest = max(totals(chart) if chart.stacked else
                  [v for s in chart.series for v in s.values] or [0])
    return (WIDTH - LABEL_WIDTH - VALUE_ROOM) / biggest if biggest else 0.0


def _legend_lines(chart: ReportChart) -> int:
    return (len(chart.series) + 3) // 4


def _legend(chart: ReportChart) -> str:
    items = []
    for n, series in enumerate(chart.series):
        x, y = LABEL_WIDTH + (n % 4) * 120, (n // 4) * LEGEND_ROW + 4
        items.append(
            f'<rect x="{x}" y="{y}" width="14" height="14" fill="{_colour(n)}"/>'
            f'<text x="{x + 20}" y="{y + 12}" fill="#0b0c0c">{escape(series.label)}</text>')
    return '<g aria-hidden="true">' + "".join(items) + "</g>"


def _colour(n: int) -> str:
    return PALETTE[n % len(PALETTE)]


def _row(chart: ReportChart, i: int, category: str, y: int, scale: float) -> str:
    label = (f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR - 5}" text-anchor="end" '
             f'fill="#0b0c0c">{escape(_short(category))}</text>')
    bars = _stacked(chart, i, y, scale) if chart.stacked or len(chart.series) == 1 \
        else _grouped(chart, i, y, scale)
    return f'<g aria-hidden="true">{label}{bars}</g>'


def _stacked(chart: ReportChart, i: int, y: int, scale: float) -> str:
    x, parts = float(LABEL_WIDTH), []
    for n, series in enumerate(chart.series):
        width = series.values[i] * scale
        if width > 0:
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="{BAR}" '
                         f'fill="{_colour(n)}"/>')
        x += width
    total = sum(s.values[i] for s in chart.series)
    parts.append(_value(x, y, number(total, chart.unit)))
    return "".join(parts)


def _grouped(chart: ReportChart, i: int, y: int, scale: float) -> str:
    parts = []
    for n, series in enumerate(chart.series):
        width, top = series.values[i] * scale, y + n * BAR
        if width > 0:
            parts.append(f'<rect x="{LABEL_WIDTH}" y="{top}" width="{width:.1f}" '
                         f'height="{BAR - 4}" fill="{_colour(n)}"/>')
        parts.append(_value(LABEL_WIDTH + width, top - 2, number(series.values[i], chart.unit)))
    return "".join(parts)


def _value(x: float, y: int, text: str) -> str:
    return f'<text x="{x + 6:.1f}" y="{y + BAR - 5}" fill="#0b0c0c">{escape(text)}</text>'


def _short(label: str, limit: int = 30) -> str:
    """Long category names are cut on the chart; the table below shows them whole."""
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"
