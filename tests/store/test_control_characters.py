"""Control characters (NUL, vertical tab, ESC...) in text people type are refused where it is typed,
with a sentence; any already in the store (written before the check, or brought in by a file) are
shown as visible symbols wherever text leaves the product: the Word, Excel, PowerPoint and PDF packs
are made without failing, and `scorecard audit` prints no ESC sequence to the terminal (issue 17)."""

from __future__ import annotations

import io
from datetime import datetime

import openpyxl
import pytest
from docx import Document

from scorecard import access, audit, cli, commentary, ingest, priorities, store
from scorecard.importers import SourceFile
from scorecard.importers.base import ImportFailure
from scorecard.register import metrics_from_store
from scorecard.reports import build_pack, render
from scorecard.text_safety import control_problem, visible_controls

ADMIN = access.command_line("test")
PLYMOUTH, TERM = "E06000026", "Autumn 2026/27"
CONTROLS = {"NUL": "\x00", "vertical tab": "\x0b", "ESC": "\x1b", "DEL": "\x7f", "C1": "\x85"}
CLEAR_SCREEN = "\x1b[2J\x1b[31m"


@pytest.mark.parametrize("name", CONTROLS)
def test_commentary_with_a_control_character_is_refused_and_nothing_is_written(con, name):
    before = con.execute("SELECT count(*) FROM commentary").fetchone()[0]
    with pytest.raises(commentary.CommentaryError, match=r"contains a control character \(U\+00") as caught:
        commentary.add(con, PLYMOUTH, "ehcp_20wk_pct", TERM, f"Backlog{CONTROLS[name]}cleared", actor=ADMIN)
    assert "nothing was saved" in str(caught.value)
    assert con.execute("SELECT count(*) FROM commentary").fetchone()[0] == before


def test_an_exception_note_field_with_a_control_character_is_refused(con):
    with pytest.raises(commentary.CommentaryError, match="the owner contains a control character"):
        commentary.add(con, PLYMOUTH, "ehcp_20wk_pct", TERM, "Off track", actor=ADMIN, cause="Staffing",
                       action="Recruit", owner="Head\x1b of SEND", recovery_period="Summer 2026/27")


def test_line_breaks_and_tabs_in_commentary_are_kept(con):
    commentary.add(con, PLYMOUTH, "ehcp_20wk_pct", TERM, "First line\nSecond line\twith a tab", actor=ADMIN)
    assert commentary.latest(con, PLYMOUTH, TERM)["ehcp_20wk_pct"].text == "First line\nSecond line\twith a tab"


def test_a_priority_title_with_a_control_character_is_refused(con):
    with pytest.raises(priorities.PriorityError, match="priority area 1 contains a control character"):
        priorities.save(con, PLYMOUTH, [priorities.Priority(1, "Timeliness\x0b", ["ehcp_20wk_pct"])],
                        set(metrics_from_store(con)), actor=ADMIN)


def test_a_note_in_a_local_return_with_a_control_character_is_refused_by_row_and_column(con):
    text = "area,metric,period,value,note\nPlymouth,perm_staff_pct,Autumn 2025/26,88,agency\x1b[2J staff\n"
    with pytest.raises(ImportFailure) as caught:
        ingest.import_source(con, SourceFile("return.csv", text.encode()), actor=ADMIN)
    issue = caught.value.issues[0]
    assert (issue.row, issue.column) == (2, "note") and "control character (U+001B)" in issue.message


def test_visible_controls_shows_each_as_a_symbol_and_keeps_line_breaks():
    assert visible_controls("a\x00b\x0bc\x1bd\x7fe\x85f\tg\nh") == "a\u2400b\u240bc\u241bd\u2421e<U+0085>f\tg\nh"
    assert control_problem("fine\ttext\n") is None and control_problem("a\x1bb")


@pytest.fixture
def store_with_controls(db_path):
    """Commentary, an exception note, a priority area and an audit row holding control characters, as a
    store written before they were refused would hold them."""
    con = store.connect(str(db_path))
    priorities.save(con, PLYMOUTH, [priorities.Priority(1, "Timeliness", ["ehcp_20wk_pct"])],
                    set(metrics_from_store(con)), actor=ADMIN)
    commentary.add(con, PLYMOUTH, "ehcp_20wk_pct", TERM, "placeholder", actor=ADMIN, cause="c", action="a",
                   owner="o", recovery_period="Summer 2026/27")
    with store.transaction(con):
        con.execute("UPDATE commentary SET text = ?, cause = ? WHERE area_code = ?",
                    ["Backlog\x0bcleared\x00 by\x1b[2J April", "Staff\x1bing", PLYMOUTH])
        con.execute("UPDATE priority SET title = ? WHERE area_code = ?", ["Time\x0bliness", PLYMOUTH])
        audit.record(con, ADMIN, audit.IMPORTED, subject=f"return{CLEAR_SCREEN}.csv", detail=f"note {CLEAR_SCREEN}")
    yield con
    con.close()


def test_every_pack_is_made_with_control_characters_shown_as_symbols(store_with_controls):
    pack = build_pack(store_with_controls, PLYMOUTH, TERM)
    made = {fmt: render(pack, fmt)[0] for fmt in ("docx", "xlsx", "pptx", "pdf")}
    assert all(made.values())
    doc = Document(io.BytesIO(made["docx"]))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Backlog\u240bcleared\u2400 by\u241b[2J April" in text and "Time\u240bliness" in text
    book = openpyxl.load_workbook(io.BytesIO(made["xlsx"]))
    cells = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("Backlog\u240bcleared" in c for c in cells)
    assert not any(ch in c for c in cells for ch in CONTROLS.values())


def test_the_audit_command_prints_no_escape_sequence(store_with_controls, db_path, capsys):
    store_with_controls.close()
    for fmt in ("table", "csv"):
        assert cli.main(["--db", str(db_path), "audit", "--format", fmt]) == 0
        out = capsys.readouterr().out
        assert "\x1b" not in out and f"return\u241b[2J\u241b[31m.csv" in out


def test_the_audit_page_table_shows_controls_as_symbols(store_with_controls):
    table = audit.people_table(audit.events(store_with_controls, since=datetime(2000, 1, 1)))
    assert not table.map(lambda v: isinstance(v, str) and "\x1b" in v).any().any()
