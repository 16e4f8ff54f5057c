"""What a reader sees of the Markdown a page sends to Streamlit, and which links, images and HTML it
would make. AppTest gives the Markdown source; these read it as Streamlit's renderer does
(react-markdown with remark-gfm): backslash escapes are text, and bare web addresses and e-mail
addresses in the resulting text become links. tests/e2e checks the same in a real browser."""

from __future__ import annotations

import re

_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_WORD_JOINER = "\u2060"
_EXPLICIT = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]*)")
_TAG = re.compile(r"<\s*[A-Za-z/!?][^>]*>?")
_AUTOLINK_LITERAL = re.compile(r"(?i)(?:https?://|www\.)\S*|[-.\w+]+@[-\w]+(?:\.[-\w]+)+")


def shown(markdown: str) -> str:
    """The text a reader sees: escapes resolved, invisible word joiners dropped."""
    return _ESCAPE.sub(r"\1", markdown).replace(_WORD_JOINER, "")


def live_markup(markdown: str) -> list[str]:
    """Every link, image or HTML tag the Markdown would render: explicit links and images, tags
    and <autolinks> from unescaped characters, and addresses GFM turns into links."""
    escaped = _ESCAPE.sub("\x00", markdown)  # escaped characters can start nothing
    found = [m.group(0) for m in _EXPLICIT.finditer(escaped)] + [m.group(0) for m in _TAG.finditer(escaped)]
    text = _ESCAPE.sub(r"\1", markdown)
    return found + [m.group(0) for m in _AUTOLINK_LITERAL.finditer(text)]
