"""How much room text takes, for the slide and page layouts that must not overlap: the lines a text
wraps to at a width and size, and the height of those lines.

PowerPoint lays text out when the deck is opened, so the deck is written in Arial (Liberation Sans on
Linux, the same widths) and measured here with Helvetica's metrics, which ReportLab carries
(Helvetica and Arial share their widths). A character Helvetica lacks (the RAG shapes, arrows) is
measured as wide as the type size, and every width carries a small margin, so an estimate errs on
the tall side (tests/unit/test_text_fit.py checks it against the font).
"""

from __future__ import annotations

from reportlab.pdfbase.pdfmetrics import stringWidth

FONT = "Arial"
LINE_SPACING = 1.2  # a line's height as a share of the type size: Arial's single spacing (1.15), rounded up
SAFETY = 1.02  # every measured width is taken as this much wider than Helvetica says


COMMON = set("‘’“”–—…•€")  # beyond Latin-1, but in Helvetica's metrics


def width(text: str, size: float, bold: bool = False) -> float:
    """The width of one line of `text`, in points."""
    known = "".join(c for c in text if ord(c) < 256 or c in COMMON)
    others = len(text) - len(known)  # the RAG shapes and arrows: none is wider than the type size
    return (stringWidth(known, "Helvetica-Bold" if bold else "Helvetica", size) + others * size) * SAFETY


def lines(text: str, available: float, size: float, bold: bool = False) -> int:
    """How many lines `text` wraps to in `available` points, breaking at spaces (a word longer than a
    line breaks where it must); each newline starts a new line."""
    total = 0
    space = width(" ", size, bold)
    for paragraph in str(text).split("\n"):
        count, line = 1, 0.0
        for word in paragraph.split(" "):
            w = width(word, size, bold)
            if line and line + space + w > available:
                count, line = count + 1, w
            else:
                line += (space if line else 0) + w
            while line > available > 0:
                count, line = count + 1, line - available
        total += count
    return total


def height(text: str, available: float, size: float, bold: bool = False) -> float:
    """The height of `text` wrapped in `available` points, in points."""
    return lines(text, available, size, bold) * size * LINE_SPACING
