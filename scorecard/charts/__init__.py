"""The dashboard's charts: each a pure function from a DataFrame (plus plain parameters) to a plotly
Figure, tested without Streamlit, one module per kind of chart:

* `trend`: one measure over time for an area, against England, the region and the neighbours;
* `ranking`: every local authority on one measure, best first, with the quartile bands;
* `hexmap_chart`: England's authorities as hexagons, shaded by band;
* `style`: what they share (the palette's roles, axes at 4.5:1 contrast, the modebar).

Their words (titles that state the finding, descriptions, marks) come from scorecard.words; the
CSVs in Explore Education Statistics layout from scorecard.ees_export.
"""

from .style import CONFIG

__all__ = ["CONFIG"]
