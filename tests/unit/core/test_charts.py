"""Charts: geometry computed in Python, drawn by templates/charts.html as accessible SVG."""

from __future__ import annotations

import math
import re
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, PrefixLoader

from engage.core.charts import (
    BAR_COLOUR,
    BENCHMARK_LOOK,
    LOOKS,
    NO_FIGURES,
    NOT_AVAILABLE,
    Point,
    Series,
    bar_chart,
    format_value,
    line_chart,
    nice_ticks,
)

TEMPLATES = Path(__file__).resolve().parents[3] / "templates"


@pytest.fixture(scope="module")
def env() -> Environment:
    """Our templates and GOV.UK Frontend's, found and escaped as the application does."""
    loader = ChoiceLoader(
        [
            FileSystemLoader(TEMPLATES),
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        ]
    )
    return Environment(loader=loader, autoescape=True, trim_blocks=True, lstrip_blocks=True)


def render(env: Environment, macro: str, chart, id: str = "chart") -> str:
    return getattr(env.get_template("charts.html").module, macro)(chart, id)


def trend(*series: Series, **options):
    return line_chart("Feeling safe after dark", "It rose.", series, **options)


def county(*values, intervals: bool = False) -> Series:
    """The county's figures at waves 1, 2, ..., with intervals 3 either side if asked."""

    def point(wave: int, value: float | None) -> Point:
        if intervals and value is not None:
            return Point(f"Wave {wave}", value, value - 3, value + 3)
        return Point(f"Wave {wave}", value)

    return Series("County", [point(wave, value) for wave, value in enumerate(values, start=1)])


def test_a_higher_value_is_drawn_higher():
    chart = trend(county(40, 60, 50))

    first, second, third = chart.lines[0].markers
    assert second.y < third.y < first.y
    assert first.x < second.x < third.x


def test_ticks_are_round_and_cover_the_figures_with_their_intervals():
    chart = trend(county(47.3, 51.8, 49, intervals=True))

    values = [tick.value for tick in chart.ticks]
    assert values[0] <= 44.3 and values[-1] >= 54.8
    steps = {round(b - a, 6) for a, b in pairwise(values)}
    assert len(steps) == 1 and steps.pop() in {1, 2, 5, 10}
    assert [tick.text.lines[0][1] for tick in chart.ticks] == [f"{v:.0f}%" for v in values]
    top, bottom = chart.ticks[-1].position, chart.ticks[0].position
    assert (top, bottom) == (chart.plot.top, chart.plot.bottom)


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (0, 100, [0, 20, 40, 60, 80, 100]),
        (45, 51, [44, 46, 48, 50, 52]),
        (0, 0.87, [0, 0.2, 0.4, 0.6, 0.8, 1.0]),
        (0, 7, [0, 2, 4, 6, 8]),
        (3, 3, [2.6, 2.8, 3.0, 3.2, 3.4]),
    ],
)
def test_nice_ticks_are_round_numbers(low, high, expected):
    assert nice_ticks(low, high) == expected


def test_counts_get_whole_number_ticks():
    assert nice_ticks(0, 3, whole=True) == [0, 1, 2, 3]


@given(
    st.lists(
        st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).map(lambda v: round(v, 3)),
        min_size=1,
        max_size=12,
    )
)
def test_every_figure_falls_on_the_axis_and_in_order(values):
    chart = line_chart("Any", "Any.", [county(*values)], unit="")

    ticks = [tick.value for tick in chart.ticks]
    assert ticks[0] <= min(values) and ticks[-1] >= max(values)
    assert 2 <= len(ticks) <= 7
    ys = [marker.y for marker in chart.lines[0].markers]
    assert all(chart.plot.top <= y <= chart.plot.bottom for y in ys)
    by_value = [y for _, y in sorted(zip(values, ys, strict=True))]
    assert by_value == sorted(by_value, reverse=True)


def test_a_missing_wave_breaks_the_line():
    chart = trend(county(40, None, 50, 55))

    path = chart.lines[0].d
    assert path.count("M") == 2 and path.count("L") == 1
    assert len(chart.lines[0].markers) == 3


def test_a_wave_a_series_lacks_breaks_its_line_too():
    district = Series("Northdale", [Point("Wave 1", 30), Point("Wave 3", 35)])

    chart = trend(county(40, 45, 50), district)

    assert chart.lines[1].d.count("M") == 2 and "L" not in chart.lines[1].d
    assert chart.rows[1].cells == ("45%", NOT_AVAILABLE)


def test_whiskers_span_the_interval():
    chart = trend(county(40, 60, intervals=True), y_range=(0, 100))

    marker, whisker = chart.lines[0].markers[0], chart.lines[0].whiskers[0]
    height = chart.plot.bottom - chart.plot.top
    assert whisker.at == marker.x
    assert whisker.start == pytest.approx(chart.plot.bottom - 0.37 * height, abs=0.1)
    assert whisker.end == pytest.approx(chart.plot.bottom - 0.43 * height, abs=0.1)
    assert whisker.end < marker.y < whisker.start


def test_the_benchmark_line_sits_at_its_value_and_is_named_in_the_legend():
    chart = trend(county(40, 60), benchmark=("National average", 50), y_range=(0, 100))

    middle = (chart.plot.top + chart.plot.bottom) / 2
    assert chart.benchmark.y == pytest.approx(middle, abs=0.1)
    assert chart.benchmark.label == "National average: 50%"
    assert [entry.text.lines[0][1] for entry in chart.legend] == [
        "County",
        "National average: 50%",
    ]
    assert "National average: 50%." in chart.notes


def test_the_axis_takes_in_a_benchmark_beyond_the_figures():
    chart = trend(county(40, 45), benchmark=("Target", 70))

    assert chart.ticks[-1].value >= 70
    assert chart.plot.top <= chart.benchmark.y < chart.lines[0].markers[1].y


def test_series_differ_in_dash_and_marker_not_colour_alone():
    chart = trend(county(40, 60), Series("Northdale", [Point("Wave 1", 35), Point("Wave 2", 45)]))

    first, second = chart.lines
    assert first.look.dash != second.look.dash
    assert first.look.marker != second.look.marker
    assert len({look.dash for look in LOOKS}) == len({look.marker for look in LOOKS}) == len(LOOKS)
    assert len(chart.legend) == 2


@pytest.mark.parametrize(
    "colour", [look.colour for look in LOOKS] + [BENCHMARK_LOOK.colour, BAR_COLOUR]
)
def test_colours_stand_out_against_white(colour):
    assert contrast(colour, "#ffffff") >= 3


def test_one_point_is_drawn_in_the_middle():
    chart = trend(county(48))

    (marker,) = chart.lines[0].markers
    assert marker.x == pytest.approx((chart.plot.left + chart.plot.right) / 2, abs=0.1)
    assert chart.plot.top < marker.y < chart.plot.bottom


def test_equal_values_still_get_an_axis():
    chart = trend(county(50, 50, 50))

    assert len(chart.ticks) >= 3
    assert len({marker.y for marker in chart.lines[0].markers}) == 1


def test_with_no_figures_the_chart_says_so():
    chart = trend(county(None, None))

    assert chart.empty and chart.message.lines[0][1] == NO_FIGURES
    assert chart.description == f"It rose. {NO_FIGURES}."
    assert [row.cells for row in chart.rows] == [(NOT_AVAILABLE,), (NOT_AVAILABLE,)]


def test_crowded_labels_are_wrapped_thinned_or_shortened_but_whole_in_the_table():
    months = [f"Spring survey {2010 + n}" for n in range(14)]
    chart = trend(Series("County", [Point(label, 50 + n) for n, label in enumerate(months)]))

    assert len(chart.labels) < len(months)
    assert all(len(lines.lines) <= 2 for lines in chart.labels)
    assert [row.label for row in chart.rows] == months


def test_percentages_and_other_figures_are_written_for_people():
    assert format_value(48.24, 0, "%") == "48%"
    assert format_value(48.24, 1) == "48.2"
    assert format_value(12345) == "12,345"
    assert format_value(-0.04, 1) == "0.0"
    assert format_value(48.5, 0, "%") == format_value(np.float64(48.5), 0, "%") == "49%"
    assert format_value(0.25, 1) == "0.3"
    chart = line_chart("Score", "Up.", [county(6.83, 7.1)], unit="")
    assert chart.rows[0].cells == ("6.8",)


def test_missing_figures_from_pandas_count_as_missing():
    point = Point("Wave 1", np.float64(48.0), math.nan, np.float64(51.0))

    assert point.value == 48.0 and point.low is None and not point.has_interval
    assert type(point.value) is float


def test_bars_stand_on_zero_and_taller_bars_for_larger_values():
    chart = bar_chart("Weights", "Most near 1.", [Point("0.5 to 1", 120), Point("1 to 1.5", 300)])

    small, large = chart.bars
    assert chart.ticks[0].value == 0
    assert small.y + small.height == large.y + large.height == chart.plot.bottom
    assert large.height > small.height > 0
    assert [bar.value_text.lines[0][1] for bar in chart.bars] == ["120", "300"]


def test_every_bar_keeps_its_label_however_many_bars():
    bands = [Point(f"{n / 4:.2f} to {(n + 1) / 4:.2f}", 10 * n) for n in range(12)]

    chart = bar_chart("Weights", "Spread out.", bands)

    assert len(chart.labels) == 12
    assert all(len(text.lines) <= 3 for text in chart.labels)
    assert [text.x for text in chart.labels] == [
        pytest.approx(bar.x + bar.width / 2, abs=0.1) for bar in chart.bars
    ]


def test_horizontal_bars_grow_rightward_with_long_labels_wrapped():
    answers = [
        Point("Strongly agree", 23.4, 20.1, 26.8),
        Point("Neither agree nor disagree, or not sure either way about it", 10),
        Point("Disagree", None),
    ]

    chart = bar_chart("Agreement", "A quarter agree.", answers, unit="%", horizontal=True)

    agree, neither, missing = chart.bars
    assert agree.x == neither.x == chart.plot.left
    assert agree.width > neither.width > missing.width == 0
    assert missing.value_text.lines[0][1] == NOT_AVAILABLE
    assert agree.whisker.start < agree.x + agree.width < agree.whisker.end
    assert all(len(text.lines) <= 3 for text in chart.labels)
    assert chart.rows[0].cells == ("23% (20% to 27%)",)
    assert chart.rows[1].label == answers[1].label


def test_a_line_chart_renders_as_a_labelled_image_with_its_table(env):
    chart = trend(
        county(48, None, 52.4, intervals=True),
        Series("Northdale <North>", [Point("Wave 1", 40)]),
        benchmark=("National average", 50),
    )

    html = render(env, "line_chart", chart, "safe")

    assert_accessible(html, "safe")
    assert (
        '<caption class="govuk-table__caption govuk-table__caption--s">Feeling safe after dark</caption>'
        in html
    )
    assert all(cell in table(html) for row in chart.rows for cell in row.cells)
    assert "48% (45% to 51%)" in table(html) and "52% (49% to 55%)" in table(html)
    assert "National average: 50%." in html
    assert "Northdale &lt;North&gt;" in html and "<North>" not in html
    assert html.count('stroke-dasharray="10 5"') == 2  # the district's line and its legend


def test_a_bar_chart_renders_as_a_labelled_image_with_its_table(env):
    bands = [Point("Under 0.5", 12), Point("0.5 to 1", 340), Point("1 to 2", 290)]
    chart = bar_chart("Weights", "Most weights are near 1.", bands, value_heading="Respondents")

    html = render(env, "bar_chart", chart, "weights")

    assert_accessible(html, "weights")
    assert html.count("<rect") == 3
    for text in ("Under 0.5", "12", "340", "290", "Respondents"):
        assert f">{text}<" in table(html)


def test_an_empty_chart_renders_its_message(env):
    html = render(env, "bar_chart", bar_chart("Nothing", "", []), "nothing")

    assert_accessible(html, "nothing")
    assert NO_FIGURES in html and "<table" not in html


def assert_accessible(html: str, id: str) -> None:
    svg = re.search(r"<svg[^>]*>", html).group(0)
    assert 'role="img"' in svg and "viewBox=" in svg
    assert f'aria-labelledby="{id}-title {id}-desc"' in svg
    assert re.search(
        rf'<svg[^>]*>\s*<title id="{id}-title">[^<]+</title>\s*<desc id="{id}-desc">[^<]+</desc>',
        html,
    )
    assert "style=" not in html and "<style" not in html
    assert html.strip().startswith('<figure class="engage-chart">')


def table(html: str) -> str:
    return re.search(r'<table class="govuk-table.*</table>', html, re.S).group(0)


def contrast(foreground: str, background: str) -> float:
    """The WCAG contrast ratio of two #rrggbb colours."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
