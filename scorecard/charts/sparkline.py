"""A card's sparkline: the area's own figures over its latest periods, as a small SVG picture that
a page shows as an <img> with alt text (Streamlit's own metric sparkline is an SVG with no text
alternative, which screen readers announce as an unlabelled image). Its words come from
scorecard.words.sparkline_alt."""

from __future__ import annotations

import base64

from .. import palette

WIDTH, HEIGHT, PAD = 120, 28, 3


def sparkline_svg(values: list[float]) -> str:
    """The values as a line from oldest to newest, the newest marked with a dot; the lowest figure
    at the bottom and the highest at the top (a sparkline shows shape, not size)."""
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = (WIDTH - 2 * PAD) / max(len(values) - 1, 1)
    points = [(PAD + i * step, HEIGHT - PAD - (v - low) / span * (HEIGHT - 2 * PAD)) for i, v in enumerate(values)]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    x, y = points[-1]
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
            f'viewBox="0 0 {WIDTH} {HEIGHT}"><polyline points="{line}" fill="none" '
            f'stroke="{palette.DARK_BLUE}" stroke-width="2" stroke-linejoin="round" stroke-linecap="round"/>'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{palette.DARK_BLUE}"/></svg>')


def sparkline_data_uri(values: list[float]) -> str:
    """The sparkline as a data: address for an <img>."""
    return "data:image/svg+xml;base64," + base64.b64encode(sparkline_svg(values).encode()).decode()
