"""Text that people and files supply (commentary, notes, names, file names, links followed) is data:
shown as typed, never run as markup in a browser or as a formula in a spreadsheet.

- `plain(text)` for every Streamlit call that reads Markdown: st.markdown, caption, title, header,
  error, warning, info, success, widget and expander labels, and help. No link, image, HTML, emoji
  code, colour, icon or formula can form, and web addresses are not turned into links.
- `neutralise_cell(value)` (and `neutralise_frame`) for every file the product writes: CSV, Excel,
  Word and PowerPoint. Text a spreadsheet would read as a formula gets a leading apostrophe, as
  OWASP advises against CSV injection; numbers stay numbers.
- `html_text(text)` for text placed inside HTML that a page builds itself (the board summary
  table): every punctuation mark becomes a character reference, so no tag, link or entity can
  form, and Markdown's link and web-address rules find nothing to act on either.
- `text_problem(...)` refuses such text where it is defined once and shown everywhere afterwards
  (a board's own metric names, units and descriptions).
- `control_problem(text)` refuses control characters (NUL, vertical tab, ESC, ...) in text people type
  (commentary, exception notes, priority areas, notes in a return), at the point of entry; and
  `visible_controls(text)` shows any that are already stored as visible symbols (␀, ␋, ␛) wherever
  text leaves the product: every pack and CSV (through `neutralise_cell`), the PDF, the audit trail
  and the terminal. Word and Excel cannot hold most of them at all, and a terminal runs ESC sequences.
"""

from __future__ import annotations

import re
import unicodedata


# Cells a spreadsheet reads as a formula (OWASP), with the full-width forms some locales accept.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
_PURE_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?%?")
_ASCII_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
# GitHub-flavoured Markdown turns bare addresses into links after escapes are read (remark-gfm's
# autolink literals), so an escaped "https://" would still become a link. A word joiner (U+2060,
# invisible, with no width) inside each trigger stops that: "https:⁠//", "www⁠.", "name@⁠host".
_WORD_JOINER = "\u2060"
_AUTOLINK_TRIGGERS = re.compile(r"(:)(//)|(?i:(www)(\.))|(@)")
# Links and markup in text that should be words: a tag, a Markdown link or image, a web address.
_MARKUP = re.compile(
    r"<\s*[a-z/!?]|!\[|\]\s*\(|\]\s*\[|\b(?:https?|ftp)://|\b(?:file|mailto|javascript|vbscript):|"
    r"\bdata:[a-z]+/|\bwww\.", re.IGNORECASE)
# Characters that change how text is laid out or read without being seen: bidirectional overrides.
_INVISIBLE_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Control characters (C0 but tab, line feed and carriage return; DEL; C1). XML (so Word, Excel and
# PowerPoint) cannot hold most of them, and a terminal acts on ESC.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_BREAKS = "\t\n\r"


def plain(text) -> str:
    """`text` for a Streamlit call that reads Markdown, so that it shows exactly as typed."""
    text = "" if text is None else str(text)
    text = _AUTOLINK_TRIGGERS.sub(_break_autolink, text)
    return _ASCII_PUNCTUATION.sub(r"\\\1", text)


def html_text(text) -> str:
    """`text` for an HTML fragment the page writes (st.markdown with unsafe_allow_html): shown exactly
    as typed. Every ASCII punctuation mark is written as a numeric character reference (&#91; for
    "["), so no tag, attribute, entity, Markdown link or bare web address can form from it."""
    text = "" if text is None else str(text)
    return _ASCII_PUNCTUATION.sub(lambda m: f"&#{ord(m.group(1))};", text)


def _break_autolink(match: re.Match) -> str:
    if match.group(1):
        return ":" + _WORD_JOINER + "//"
    if match.group(3):
        return match.group(3) + _WORD_JOINER + "."
    return "@" + _WORD_JOINER


def _control_picture(match: re.Match) -> str:
    code = ord(match.group(0))
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: ␀ for NUL, ␋ for VT, ␛ for ESC
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"<U+{code:04X}>"


def visible_controls(text):
    """`text` with every control character but tab and line breaks shown as a visible symbol (␛ for
    ESC), so no pack fails on it and no terminal acts on it. Anything not text is returned as it is."""
    if not isinstance(text, str):
        return text
    return _CONTROL.sub(_control_picture, text) if _CONTROL.search(text) else text


def control_problem(text: str, lines: bool = True) -> str | None:
    """Why typed text cannot be stored (a control character, or an invisible bidirectional override),
    in words; None if it can. `lines` allows tabs and line breaks."""
    for ch in text or "":
        if ch in _INVISIBLE_CONTROLS or (unicodedata.category(ch) in ("Cc", "Cs")
                                         and not (lines and ch in _LINE_BREAKS)):
            return (f"contains a control character (U+{ord(ch):04X}), which cannot be shown or printed; delete it "
                    "(it often comes with text pasted from another program) and type ordinary letters, digits and "
                    "punctuation")
    return None


def neutralise_cell(value):
    """A value as a spreadsheet cell that cannot run: text starting like a formula (=, +, -, @, tab
    or carriage return) gets a leading apostrophe. Numbers, and text that is only a number such as
    "-3.2" or "-3.2%", are left alone. Control characters are shown as symbols (visible_controls):
    Word and Excel cannot hold them."""
    if isinstance(value, str):
        value = visible_controls(value)
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _PURE_NUMBER.fullmatch(value):
        return "'" + value
    return value


def neutralise_frame(frame):
    """A copy of a table with every text cell, and every column name, neutralised."""
    import pandas as pd  # here, not at the top: the command line's `show` reads no frames

    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = pd.Series([neutralise_cell(v) for v in out[column]], index=out.index,
                                    dtype=out[column].dtype)
    out.columns = [neutralise_cell(c) for c in out.columns]
    return out


def text_problem(text: str, limit: int, lines: bool = False) -> str | None:
    """Why `text` cannot be stored as a name or description shown on pages and written into packs
    and templates; None if it can. `lines` allows line breaks (a description)."""
    if len(text) > limit:
        return f"is {len(text):,} characters long; keep it to {limit:,} or fewer"
    if text.startswith(FORMULA_START):
        return (f"may not start with {text[0]!r}: a spreadsheet would treat it as a formula. "
                "Start with a word or a number instead")
    for ch in text:
        if (unicodedata.category(ch) == "Cc" and not (lines and ch == "\n")) or ch in _INVISIBLE_CONTROLS:
            return f"contains a control character (U+{ord(ch):04X}); use ordinary letters, digits and punctuation"
    found = _MARKUP.search(text)
    if found:
        return (f"may not contain a link or markup ({found.group(0).strip()!r}); describe it in words, "
                "without web addresses, HTML or Markdown links")
    return None
