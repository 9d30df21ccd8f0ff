"""Charts as a report reader needs them: a title, axis labels, a legend, a source line, no label
under 7 pt, colours that stay apart in black and white (one dark, one light), and a gap marked
"n.d." where a value is not available instead of a bar at zero."""

import functools
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, ParamSpec

from reportlab import rl_config
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import cm

from reports.fonts import fonts

# dark and light: told apart in greyscale too
SERIES_COLOURS = [colors.HexColor("#1f3b57"), colors.HexColor("#9bbf6a"), colors.HexColor("#c9792b")]
MIN_FONT = 7
P = ParamSpec("P")


@contextmanager
def _unchecked() -> Iterator[None]:
    """Without reportlab's check of every attribute a chart's shapes and widgets are given against
    their declared types: a help while a chart is written, a cost once it is (about 2 % of the
    annual CSR report's render); the values are the same, so are the PDF's bytes."""
    before = rl_config.shapeChecking
    rl_config.shapeChecking = 0
    try:
        yield
    finally:
        rl_config.shapeChecking = before


class _Chart(Drawing):
    """The chart's shapes (expandUserNodes' plain Drawing's contents), drawn unchecked too."""

    def draw(self, showBoundary: Any = rl_config._unset_) -> None:  # noqa: N803 (reportlab's name)
        with _unchecked():
            super().draw(showBoundary)


def _unchecked_chart(build: Callable[P, Drawing]) -> Callable[P, Drawing]:
    """``build``'s shapes made, and later drawn, without reportlab's attribute checks."""

    @functools.wraps(build)
    def made(*args: P.args, **kwargs: P.kwargs) -> Drawing:
        with _unchecked():
            shapes = build(*args, **kwargs)
        chart = _Chart(shapes.width, shapes.height)
        chart.contents = shapes.contents
        return chart

    return made


@_unchecked_chart
def bar_chart(
    *,
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    y_label: str,
    source: str,
    not_available: str,
    width: float = 17 * cm,
    height: float = 7 * cm,
    y_max: float | None = None,
    value_format: Callable[[float], str] | None = None,
) -> Drawing:
    """``value_format`` writes the value axis' labels (e.g. French thousands); reportlab's own
    otherwise."""
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 1.6 * cm, 1.6 * cm
    chart.width, chart.height = width - 2.2 * cm, height - 3.2 * cm
    chart.data = [[v if v is not None else 0 for v in values] for _, values in series]
    chart.categoryAxis.categoryNames = list(categories)
    chart.categoryAxis.labels.fontName = fonts().regular
    chart.categoryAxis.labels.fontSize = MIN_FONT + 0.5
    chart.valueAxis.labels.fontName = fonts().regular
    chart.valueAxis.labels.fontSize = MIN_FONT + 0.5
    chart.valueAxis.valueMin = 0
    if value_format is not None:
        chart.valueAxis.labelTextFormat = value_format
    if y_max is not None:
        chart.valueAxis.valueMax = y_max
    for i in range(len(series)):
        chart.bars[i].fillColor = SERIES_COLOURS[i % len(SERIES_COLOURS)]
        chart.bars[i].strokeColor = colors.black
        chart.bars[i].strokeWidth = 0.3
    drawing.add(chart)
    drawing.add(String(0, height - 0.45 * cm, title, fontName=fonts().bold, fontSize=9))
    drawing.add(
        String(
            chart.x - 1.2 * cm, chart.y + chart.height + 0.25 * cm, y_label, fontName=fonts().regular, fontSize=MIN_FONT
        )
    )
    drawing.add(
        String(0, 0.1 * cm, source, fontName=fonts().regular, fontSize=MIN_FONT, fillColor=colors.HexColor("#555555"))
    )
    legend = Legend()
    # on its own line under the title: a long title never runs into it
    legend.x, legend.y = 0.1 * cm, height - 0.7 * cm
    legend.alignment = "right"
    legend.boxAnchor = "nw"
    legend.columnMaximum = 1
    legend.deltax = 4.5 * cm
    legend.fontName, legend.fontSize = fonts().regular, MIN_FONT + 0.5
    legend.colorNamePairs = [(SERIES_COLOURS[i % len(SERIES_COLOURS)], label) for i, (label, _) in enumerate(series)]
    drawing.add(legend)
    # the chart's shapes, computed once: a document laid out twice (table of contents) draws it twice
    shapes = drawing.expandUserNodes()
    # n.d. where a series has no value, over that series' own bar (not over the others')
    for i, (_, values) in enumerate(series):
        for c, value in enumerate(values):
            if value is None:
                x, _, bar_width, _ = chart._barPositions[i][c]
                shapes.add(
                    String(
                        x + bar_width / 2,
                        chart.y + 4,
                        not_available,
                        fontName=fonts().regular,
                        fontSize=MIN_FONT,
                        textAnchor="middle",
                    )
                )
    return shapes
