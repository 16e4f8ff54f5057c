"""A card's sparkline is an image with its trend in words (Streamlit's own has no text alternative)."""

import base64
import re
from types import SimpleNamespace

from scorecard import words
from scorecard.charts.sparkline import HEIGHT, PAD, sparkline_data_uri, sparkline_svg
from scorecard.register import Metric
from scorecard.ui import widgets

PERCENT = Metric(id="x_pct", name="Plans issued on time", unit="%", polarity="higher", decimals=1)


def _points(svg: str) -> list[tuple[float, float]]:
    found = re.search(r'points="([^"]+)"', svg).group(1)
    return [tuple(float(c) for c in p.split(",")) for p in found.split()]


def test_the_line_runs_oldest_to_newest_with_the_highest_figure_at_the_top():
    points = _points(sparkline_svg([34.7, 41.9, 49.6, 30.0, 66.7]))
    assert len(points) == 5 and [x for x, _ in points] == sorted(x for x, _ in points)
    ys = [y for _, y in points]
    assert ys[4] == PAD and ys[3] == HEIGHT - PAD  # highest at the top, lowest at the bottom (SVG y runs down)


def test_a_flat_series_still_draws():
    assert len(_points(sparkline_svg([5.0, 5.0, 5.0]))) == 3


def test_the_image_says_the_trend_in_words():
    trend = [{"period": "Spring 2024/25", "value": 34.7, "status": "published"},
             {"period": "Summer 2024/25", "value": None, "status": "suppressed"},
             {"period": "Autumn 2026/27", "value": 66.7, "status": "published"}]
    assert words.sparkline_alt(PERCENT, trend) == ("Trend over 2 periods: from 34.7% in Spring 2024/25 to 66.7% in "
                                                   "Autumn 2026/27, highest 66.7%, lowest 34.7%.")
    html = widgets.sparkline_html(SimpleNamespace(metric=PERCENT, trend=trend))
    assert html.startswith('<img class="sc-spark" src="data:image/svg+xml;base64,')
    assert 'alt="Trend over 2 periods: from 34.7% in Spring 2024/25' in html
    svg = base64.b64decode(sparkline_data_uri([34.7, 66.7]).split(",", 1)[1]).decode()
    assert svg.startswith("<svg") and "<polyline" in svg


def test_no_sparkline_from_fewer_than_two_figures():
    one = [{"period": "2024", "value": 6.0, "status": "published"}]
    assert widgets.sparkline_html(SimpleNamespace(metric=PERCENT, trend=one)) == ""
    assert words.sparkline_alt(PERCENT, one) == "Trend: not enough figures to show one."
