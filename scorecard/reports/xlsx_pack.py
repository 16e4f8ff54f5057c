"""The data behind the pack, as an Excel workbook: the board summary first (as every pack opens), then
values, comparators, targets, commentary, trends, caveats and sources on separate sheets. Every cell is
a value: no formulas.

Figures are rounded to each measure's decimals (6.0, never 5.999999999999999) and shown with them. A
figure's labels are in a column beside it (illustrative, local (provisional), small numbers: treat
with caution), and an illustrative figure also says so in the cell itself ("66.7 (illustrative)",
through its number format, so it stays a number).

Text is neutralised against formula injection (scorecard.text_safety.neutralise_cell): any text that
starts with =, +, -, @, a tab or a carriage return is written as a string cell with a leading
apostrophe ("'=SUM(A1)"), so neither Excel nor a CSV export of the sheet can run it. In a public pack
suppressed figures are the text "c".
"""

from __future__ import annotations

import io
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .. import palette, rag, words
from ..formatting import is_missing
from ..published import ILLUSTRATIVE
from ..register import Metric, settings
from ..summary import COLUMNS
from ..text_safety import neutralise_cell
from .content import Pack, RowView
from ..suppression import MARK

HEADER_FILL = PatternFill("solid", fgColor=palette.DARK_BLUE.lstrip("#"))
HEADER_FONT = Font(bold=True, color="FFFFFF")


def _cell_value(value):
    if value is None or is_missing(value):
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, (date, datetime)):
        return value
    return neutralise_cell(str(value))


def _sheet(wb, title: str, header: list[str], rows: list[list], widths: dict[int, int] | None = None):
    ws = wb.create_sheet(title)
    ws.append(header)
    for cell in ws[1]:
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        ws.append([_cell_value(v) for v in row])
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never "f", whatever the text
    ws.freeze_panes = "A2"
    if rows:
        ws.auto_filter.ref = ws.dimensions
    for i, name in enumerate(header, start=1):
        ws.column_dimensions[get_column_letter(i)].width = (widths or {}).get(i, max(12, min(len(name) + 4, 40)))
    return ws


def _figure(view: RowView, field: str, value):
    """The number, or "c" where the public version suppresses it."""
    return MARK if field in view.hidden else value


def rounded(value, metric: Metric | None, decimals: int | None = None):
    """A figure rounded to its measure's decimals (no 5.300000000000004); text ("c") and blanks as they are."""
    if value is None or isinstance(value, str) or is_missing(value):
        return value
    places = decimals if decimals is not None else (metric.decimals if metric is not None else 2)
    return round(float(value), places)


def number_format(metric: Metric | None, illustrative: bool = False, decimals: int | None = None) -> str:
    """'#,##0.0', and for an illustrative figure '#,##0.0 "(illustrative)"': the label on the figure."""
    places = decimals if decimals is not None else (metric.decimals if metric is not None else 2)
    text = "#,##0" + ("." + "0" * places if places else "")
    return f'{text} "({words.ILLUSTRATIVE_LABEL})"' if illustrative else text


def _format_column(ws, column: int, formats: list[str]) -> None:
    """Set each data row's number format in one column (row 2 onwards), for numbers only."""
    for cell, form in zip(ws.iter_rows(min_row=2, min_col=column, max_col=column), formats):
        if isinstance(cell[0].value, (int, float)):
            cell[0].number_format = form


def _summary_sheet(wb, pack: Pack) -> None:
    rows = [[g.heading, *r.cells(), r.partner] for g in pack.board for r in g.rows]
    ws = _sheet(wb, "Summary", ["Priority area", *COLUMNS, "Accountable partner"], rows,
                {1: 30, 2: 36, 3: 36, 4: 22, 5: 18, 6: 12, 7: 12, 8: 44, 9: 50, 10: 40, 11: 30})
    ratings = [r.rag for g in pack.board for r in g.rows]
    for cell, rating in zip(ws.iter_rows(min_row=2, min_col=7, max_col=7), ratings):
        if rating:  # the rating as a badge: its colour behind the shape and word, in its own text colour
            cell[0].fill = PatternFill("solid", fgColor=rag.COLOURS[rating].lstrip("#"))
            cell[0].font = Font(bold=True, color=rag.TEXT_ON[rating].lstrip("#"))
    at = ws.max_row + 2
    ws.cell(at, 1, "R/A/G by priority area").font = Font(bold=True)
    for i, g in enumerate(pack.board, start=1):
        ws.cell(at + i, 1, neutralise_cell(g.heading))
        ws.cell(at + i, 2, g.counts_words)


def render(pack: Pack) -> bytes:
    wb = Workbook()
    first = wb.active
    wb.remove(first)
    _summary_sheet(wb, pack)
    about = wb.create_sheet("About")
    about.append([pack.title])
    about["A1"].font = Font(bold=True, size=14, color=palette.DARK_BLUE.lstrip("#"))
    about.append([pack.subtitle])
    about.append([])
    block = pack.title_block()
    for key, value in block + [(k, v) for k, v in pack.officer_details("xlsx") if k not in dict(block)]:
        about.append([key, neutralise_cell(value)])
        if value.startswith(("http://", "https://")):  # the same view on the dashboard, clickable
            about.cell(about.max_row, 2).hyperlink = value
            about.cell(about.max_row, 2).style = "Hyperlink"
    about.append([])
    about.append(["How current the figures are"])
    about.cell(about.max_row, 1).font = Font(bold=True)
    for line in pack.releases:
        about.append([neutralise_cell(line)])
    about.append([])
    about.append(["Summary"])
    about.cell(about.max_row, 1).font = Font(bold=True)
    for line in pack.summary:
        about.append([neutralise_cell(line)])
    about.append([])
    about.append(["Notes"])
    about.cell(about.max_row, 1).font = Font(bold=True)
    for note in pack.notes:
        about.append([neutralise_cell(note)])
    about.append([])
    about.append(["Figures are rounded to each measure's decimals. Text that starts with =, +, - or @ is stored with "
                  "a leading apostrophe so that it is never treated as a formula. The workbook holds values only, "
                  "with no formulas."])
    about.column_dimensions["A"].width = 22
    about.column_dimensions["B"].width = 100
    for row in about.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"

    rows, formats = [], []
    for v in pack.rows:
        r, m = v.row, v.metric
        hidden_value = "value" in v.hidden
        rows.append([m.id, m.name, r.group, m.unit, m.polarity,
                     _figure(v, "value", rounded(r.value, m)),
                     None if hidden_value else "; ".join(words.figure_labels(r)) or None,
                     None if hidden_value else r.numerator, None if hidden_value else r.denominator,
                     None if hidden_value or r.interval is None else rounded(r.interval.lower, m, m.decimals + 1),
                     None if hidden_value or r.interval is None else rounded(r.interval.upper, m, m.decimals + 1),
                     r.period.label if r.period else None, r.status,
                     _figure(v, "previous", rounded(r.previous, m)),
                     r.previous_period.label if r.previous_period else None,
                     _figure(v, "change", rounded(r.change, m)), words.change(r, v.hidden),
                     _figure(v, "last_year", rounded(r.last_year, m)), r.last_year_period, r.source,
                     "; ".join(r.flags)])
        formats.append(number_format(m, r.status == ILLUSTRATIVE))
    ws = _sheet(wb, "Values", ["metric_id", "measure", "group", "unit", "better", "value", "value_labels", "numerator",
                               "denominator", "ci_lower_95", "ci_upper_95", "period", "status", "previous",
                               "previous_period", "change", "change_words", "same_term_last_year", "last_year_period",
                               "source", "flags"], rows,
                {2: 45, 3: 28, 7: 30, 17: 40, 20: 40, 21: 60})
    _format_column(ws, 6, formats)
    for column in (14, 16, 18):
        _format_column(ws, column, [number_format(v.metric) for v in pack.rows])

    rows = []
    for v in pack.rows:
        r = v.row
        cm = r.comparator_metric
        rows.append([r.metric.id, r.metric.label, cm.id if cm else None,
                     r.comparator_period.label if r.comparator_period else None,
                     _figure(v, "england", rounded(r.england, cm)), r.region_name,
                     _figure(v, "region", rounded(r.region, cm)), r.region_note,
                     _figure(v, "sn_mean", rounded(r.sn_mean, cm)), r.sn_count, r.sn_of, r.rank, r.rank_of, r.quartile,
                     "yes" if r.comparable else ("no: " + words.NO_COMPARABLE if not r.like_with_like
                                                 else "no: context only, " + words.NOT_COMPARABLE),
                     words.england(r, v.hidden), words.region(r, v.hidden), words.neighbours(r, v.hidden),
                     v.summary.position])
    ws = _sheet(wb, "Comparators", ["metric_id", "measure", "comparator_metric", "comparator_period", "england",
                                    "region_name", "region", "region_note", "neighbour_mean", "neighbours_with_figure",
                                    "neighbours", "rank", "rank_of", "quartile", "like_with_like", "england_words",
                                    "region_words", "neighbour_words", "rank_or_band_words"], rows,
                {2: 36, 8: 40, 15: 40, 16: 44, 17: 44, 18: 50, 19: 40})
    for column in (5, 7, 9):
        _format_column(ws, column, [number_format(v.row.comparator_metric) for v in pack.rows])

    rows = []
    for v in pack.rows:
        r, m = v.row, v.metric
        t = r.target
        rows.append([m.id, m.label, rounded(t.target, m) if t else None, rounded(t.tolerance, m) if t else None,
                     t.describe() if t else None, r.rating.rag or "Not rated", r.rating.reason,
                     _figure(v, "baseline", rounded(r.baseline, m)), r.baseline_period,
                     _figure(v, "change_since_baseline", rounded(r.change_since_baseline, m)),
                     _figure(v, "trajectory_progress", rounded(r.trajectory_progress, None, 0)),
                     words.progress(r, v.hidden)])
    ws = _sheet(wb, "Targets", ["metric_id", "measure", "target", "tolerance", "target_applies", "rating",
                                "rating_reason", "baseline", "baseline_period", "change_since_baseline",
                                "trajectory_progress_pct", "progress_words"], rows, {2: 36, 5: 30, 7: 60, 12: 40})
    for column in (3, 4, 8, 10):
        _format_column(ws, column, [number_format(v.metric) for v in pack.rows])
    _format_column(ws, 11, [number_format(None, decimals=0)] * len(pack.rows))
    for cell, v in zip(ws.iter_rows(min_row=2, min_col=6, max_col=6), pack.rows):
        if v.row.rating.rag:
            cell[0].fill = PatternFill("solid", fgColor=rag.COLOURS[v.row.rating.rag].lstrip("#"))
            cell[0].font = Font(bold=True, color=rag.TEXT_ON[v.row.rating.rag].lstrip("#"))

    rows = []
    for v in pack.rows:
        c = v.row.comment
        rows.append([v.metric.id, v.metric.label, pack.card.term.label, c.text if c else None,
                     c.author if c else None, c.written_at if c else None,
                     c.exception_words() if c else None, c.cause if c else None, c.action if c else None,
                     c.owner if c else None, c.recovery_period if c else None])
    _sheet(wb, "Commentary", ["metric_id", "measure", "term", "commentary", "author", "written_at", "exception_note",
                              "cause", "action", "owner", "back_on_track_by"], rows, {2: 36, 4: 70, 7: 60})

    rows, value_formats, plain_formats = [], [], []
    small_threshold = settings().small_number_threshold
    for sec in pack.sections:
        m = sec.metric
        hidden = sec.hidden_cells or {}
        for i, rec in enumerate(sec.data.to_dict("records")):
            cells = [MARK if hidden.get(key, [False] * (i + 1))[i] else rounded(rec.get(key), m)
                     for key in ("value", "england", "region", "neighbours", "target")]
            shown = cells[0] != MARK and not is_missing(rec["value"])
            small = shown and m.unit in words.RATE_UNITS and not is_missing(rec["denominator"]) \
                and rec["denominator"] < small_threshold
            rows.append([m.id, m.label, m.unit, rec["period"], cells[0],
                         "; ".join(words.status_labels(rec["status"], small)) or None if shown else None,
                         rec["numerator"] if shown else None, rec["denominator"] if shown else None,
                         rec["status"], *cells[1:]])
            value_formats.append(number_format(m, rec["status"] == ILLUSTRATIVE))
            plain_formats.append(number_format(m))
    ws = _sheet(wb, "Trends", ["metric_id", "measure", "unit", "period", "value", "value_labels", "numerator",
                               "denominator", "status", "england", "region", "neighbour_mean", "target"], rows,
                {2: 36, 6: 30})
    _format_column(ws, 5, value_formats)
    for column in (10, 11, 12, 13):
        _format_column(ws, column, plain_formats)

    _sheet(wb, "Caveats", ["measure", "caveat"], [list(c) for c in pack.caveats], {1: 36, 2: 110})
    src = pack.sources
    _sheet(wb, "Sources", ["publisher", "release", "released", "url", "licence", "attribution", "metrics"],
           src[["publisher", "title", "released", "url", "licence", "attribution", "metrics"]].values.tolist(),
           {1: 30, 2: 60, 4: 60, 5: 30, 6: 80, 7: 50})

    wb.properties.title = pack.title
    wb.properties.subject = pack.subtitle
    wb.properties.creator = "SEND Scorecard"
    wb.properties.language = "en-GB"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
