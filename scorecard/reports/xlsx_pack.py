"""The data behind the pack, as an Excel workbook: values, comparators, targets, commentary, trends,
caveats and sources on separate sheets. Every cell is a value: no formulas.

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

from ..formatting import is_missing
from ..text_safety import neutralise_cell
from .content import Pack, RowView
from ..suppression import MARK

HEADER_FILL = PatternFill("solid", fgColor="12436D")
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


def render(pack: Pack) -> bytes:
    wb = Workbook()
    about = wb.active
    about.title = "About"
    about.append([pack.title])
    about["A1"].font = Font(bold=True, size=14, color="12436D")
    about.append([pack.subtitle])
    about.append([])
    for key, value in pack.title_block():
        about.append([key, neutralise_cell(value)])
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
    about.append(["Text that starts with =, +, - or @ is stored with a leading apostrophe so that it is never "
                  "treated as a formula. The workbook holds values only, with no formulas."])
    about.column_dimensions["A"].width = 22
    about.column_dimensions["B"].width = 100
    for row in about.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"

    rows = []
    for v in pack.rows:
        r = v.row
        rows.append([r.metric.id, r.metric.name, r.group, r.metric.unit, r.metric.polarity,
                     _figure(v, "value", r.value), r.period.label if r.period else None, r.status,
                     _figure(v, "previous", r.previous), r.previous_period.label if r.previous_period else None,
                     _figure(v, "change", r.change), v.words["change"], _figure(v, "last_year", r.last_year),
                     r.last_year_period, r.source, "; ".join(r.flags)])
    _sheet(wb, "Values", ["metric_id", "measure", "group", "unit", "better", "value", "period", "status", "previous",
                          "previous_period", "change", "change_words", "same_term_last_year", "last_year_period",
                          "source", "flags"], rows, {2: 45, 3: 28, 12: 28, 15: 40, 16: 60})

    rows = []
    for v in pack.rows:
        r = v.row
        rows.append([r.metric.id, r.metric.label, r.comparator_metric.id if r.comparator_metric else None,
                     r.comparator_period.label if r.comparator_period else None,
                     _figure(v, "england", r.england), r.region_name, _figure(v, "region", r.region), r.region_note,
                     _figure(v, "sn_mean", r.sn_mean), r.sn_count, r.sn_of, r.rank, r.rank_of, r.quartile,
                     v.words["england"], v.words["region"], v.words["neighbours"], v.words["rank"],
                     v.words["quartile"]])
    _sheet(wb, "Comparators", ["metric_id", "measure", "comparator_metric", "comparator_period", "england",
                               "region_name", "region", "region_note", "neighbour_mean", "neighbours_with_figure",
                               "neighbours", "rank", "rank_of", "quartile", "england_words", "region_words",
                               "neighbour_words", "rank_words", "quartile_words"], rows, {2: 36, 8: 40})

    rows = []
    for v in pack.rows:
        r = v.row
        t = r.target
        rows.append([r.metric.id, r.metric.label, t.target if t else None, t.tolerance if t else None,
                     t.describe() if t else None, r.rating.rag or "Not rated", r.rating.reason,
                     _figure(v, "baseline", r.baseline), r.baseline_period,
                     _figure(v, "change_since_baseline", r.change_since_baseline),
                     _figure(v, "trajectory_progress", r.trajectory_progress), v.words["progress"]])
    _sheet(wb, "Targets", ["metric_id", "measure", "target", "tolerance", "target_applies", "rating", "rating_reason",
                           "baseline", "baseline_period", "change_since_baseline", "trajectory_progress_pct",
                           "progress_words"], rows, {2: 36, 5: 30, 7: 60, 12: 40})

    rows = []
    for v in pack.rows:
        c = v.row.comment
        rows.append([v.metric.id, v.metric.label, pack.card.term.label, c.text if c else None,
                     c.author if c else None, c.written_at if c else None,
                     c.exception_words() if c else None, c.cause if c else None, c.action if c else None,
                     c.owner if c else None, c.recovery_period if c else None])
    _sheet(wb, "Commentary", ["metric_id", "measure", "term", "commentary", "author", "written_at", "exception_note",
                              "cause", "action", "owner", "back_on_track_by"], rows, {2: 36, 4: 70, 7: 60})

    rows = []
    for sec in pack.sections:
        hidden = sec.hidden_cells or {}
        for i, rec in enumerate(sec.data.to_dict("records")):
            cells = [MARK if hidden.get(key, [False] * (i + 1))[i] else rec.get(key)
                     for key in ("value", "england", "region", "neighbours", "target")]
            rows.append([sec.metric.id, sec.metric.label, sec.metric.unit, rec["period"], cells[0], rec["status"],
                         *cells[1:]])
    _sheet(wb, "Trends", ["metric_id", "measure", "unit", "period", "value", "status", "england", "region",
                          "neighbour_mean", "target"], rows, {2: 36})

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

