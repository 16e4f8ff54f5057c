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


_WIDGETS = ("text_area", "text_input", "number_input", "selectbox", "multiselect", "checkbox", "toggle", "button",
            "radio", "date_input", "slider")


def markdown_sources(at) -> list[str]:
    """Every string a run page sends to Streamlit that Streamlit renders as Markdown: texts, headings,
    captions, alerts, help tooltips, and the labels of metrics, expanders, tabs, buttons and widgets.
    (Select box options are not Markdown: Streamlit shows them as plain text.)"""
    out = []
    for kind in ("markdown", "caption", "title", "header", "subheader"):
        for element in getattr(at, kind):
            out += [element.value, element.proto.help]
    for kind in ("error", "warning", "info", "success"):
        out += [element.value for element in getattr(at, kind)]
    out += [m.label for m in at.metric] + [m.proto.help for m in at.metric]
    out += [e.label for e in at.expander] + [t.label for t in at.tabs]
    for kind in ("download_button",):
        out += [s for element in at.get(kind) for s in (element.proto.label, element.proto.help)]
    for kind in _WIDGETS:
        for element in getattr(at, kind, []):
            out += [element.label, element.help or ""]
    return [s for s in out if s]
