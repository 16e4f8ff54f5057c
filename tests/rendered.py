"""What a reader sees of the Markdown a page sends to Streamlit, and which links, images and HTML it
would make. AppTest gives the Markdown source; these read it as Streamlit's renderer does
(react-markdown with remark-gfm): backslash escapes are text, and bare web addresses and e-mail
addresses in the resulting text become links. tests/e2e checks the same in a real browser."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_WORD_JOINER = "\u2060"
_EXPLICIT = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]*)")
_TAG = re.compile(r"<\s*[A-Za-z/!?][^>]*>?")
_AUTOLINK_LITERAL = re.compile(r"(?i)(?:https?://|www\.)\S*|[-.\w+]+@[-\w]+(?:\.[-\w]+)+")


def shown(markdown: str) -> str:
    """The text a reader sees: escapes resolved, invisible word joiners dropped. A source that is one
    HTML block (the pages' own tables, sent with unsafe_allow_html) is not read as Markdown at all:
    the browser shows its text, with character references resolved and no tags."""
    if is_html_block(markdown):
        return html_text_of(markdown)
    return _ESCAPE.sub(r"\1", markdown).replace(_WORD_JOINER, "")


def is_html_block(source: str) -> bool:
    """CommonMark reads a source starting with a tag such as <div, <style or <table (and holding no blank
    line) as one raw HTML block, not as Markdown."""
    return bool(re.match(r"<(?:div|style|table|p|h[1-6]|ul|dl)\b", source)) and "\n\n" not in source


_BLOCK_TAGS = {"p", "div", "li", "tr", "caption", "h1", "h2", "h3", "h4", "ul", "table", "tbody", "thead", "br"}
_CELL_TAGS = {"td", "th"}


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag == "style":
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
        elif tag in _CELL_TAGS:
            self.parts.append(" | ")

    def handle_endtag(self, tag):
        if tag == "style":
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def html_text_of(source: str) -> str:
    """The text a browser shows for an HTML fragment: no tags or styles, references resolved; blocks
    on their own lines and table cells separated by ' | '."""
    reader = _Text()
    reader.feed(source)
    reader.close()
    lines = [re.sub(r"[ \t]+", " ", line).strip(" |") for line in "".join(reader.parts).split("\n")]
    return "\n".join(line for line in lines if line)


class _Tables(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []
        self._cell: dict | None = None
        self._row: list | None = None
        self._skip = 0
        self._caption: list | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "style":
            self._skip += 1
        elif tag == "table":
            self.tables.append({"caption": "", "rows": []})
        elif tag == "caption":
            self._caption = []
        elif tag == "tr" and self.tables:
            self._row = []
            self.tables[-1]["rows"].append(self._row)
        elif tag in _CELL_TAGS and self._row is not None:
            self._cell = {"tag": tag, "scope": attrs.get("scope"), "label": attrs.get("data-label"),
                          "class": attrs.get("class") or "", "text": [], "tags": []}
            self._row.append(self._cell)
        elif tag == "span" and self._cell is not None:
            self._cell["tags"].append({"class": attrs.get("class") or "", "style": attrs.get("style") or ""})

    def handle_endtag(self, tag):
        if tag == "style":
            self._skip -= 1
        elif tag in _CELL_TAGS and self._cell is not None:
            self._cell["text"] = re.sub(r"\s+", " ", "".join(self._cell["text"])).strip()
            self._cell = None
        elif tag == "caption" and self._caption is not None:
            self.tables[-1]["caption"] = "".join(self._caption).strip()
            self._caption = None

    def handle_data(self, data):
        if self._skip:
            return
        if self._cell is not None:
            self._cell["text"].append(data)
        elif self._caption is not None:
            self._caption.append(data)


def html_tables(source: str) -> list[dict]:
    """Every table in an HTML fragment: {"caption": text, "rows": [[cell, ...], ...]}, each cell a dict
    with its tag (th or td), scope, data-label, class, text, and the spans inside it (class, style)."""
    reader = _Tables()
    reader.feed(source)
    reader.close()
    return reader.tables


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
