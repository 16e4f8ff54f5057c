"""The Excel template for a local return: one area, metrics down the side, terms across the top,
a drop-down per term for why a figure is missing, and a Definitions sheet. Officers fill it in and
import it like the long CSV (scorecard.importers.local_template reads it back).

Names and descriptions (a board's own metrics, the area) are written through
scorecard.text_safety.neutralise_cell, so no text can become a live formula in an officer's copy."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .areas import Area
from .importers.local_template import (
    DEFINITIONS, FIRST_ROW, FIRST_TERM_COL, HEADER_ROW, ID_COL, ID_LETTER, MARKER, NAME_COL, PART_SEPARATOR,
    REASON_SUFFIX, REASONS, SHEET, UNIT_COL,
)
from .periods import Period
from .register import Metric
from .text_safety import neutralise_cell

UNIT_WORDS = {"%": "Percentage, 0 to 100", "count": "Count (whole number)", "rate per 100": "Rate per 100",
              "per 10,000": "Rate per 10,000", "days": "Days", "£": "Pounds (£)", "£ per head": "Pounds (£) per head"}
POLARITY_WORDS = {"higher": "Higher is better", "lower": "Lower is better",
                  "context": "Context: neither direction is better"}
_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")  # light grey: black text keeps high contrast
_WRAP = Alignment(wrap_text=True, vertical="top")
COUNTS_HEADING = ("The counts behind each percentage: give both, and the percentage above may be left blank "
                  "(it is worked out from them)")
_MISSING_HINT = ("Leave blank if you have no figure, and choose why in the term's 'reason if blank' column "
                 "(or type suppressed or not available here).")


# ---------------------------------------------------------------------------------------------
# Building


def build_template(metrics: list[Metric], area: Area, terms: list[Period], today: date | None = None) -> bytes:
    """An .xlsx return for one area: a row per metric, a column per term, and a Definitions sheet."""
    if not metrics:
        raise ValueError("choose at least one metric for the template")
    if not terms:
        raise ValueError("choose at least one term for the template")
    labels = [t.label for t in terms]
    if len(set(labels)) != len(labels):
        raise ValueError("each term should appear once in the template")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET
    _fill_return(ws, metrics, area, terms, today or date.today())
    _fill_definitions(wb.create_sheet(DEFINITIONS), metrics)
    wb.properties.title = f"{MARKER}: {area.name}"
    wb.properties.creator = "SEND Scorecard"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _fill_return(ws, metrics: list[Metric], area: Area, terms: list[Period], today: date) -> None:
    ws["A1"] = MARKER
    ws["A1"].font = Font(bold=True, size=14)
    for cell, label, value in (("A2", "Area code", area.code), ("A3", "Area", area.name),
                               ("A4", "Generated", today.isoformat())):
        ws[cell] = label
        ws[cell].font = _BOLD
        ws[cell.replace("A", "B")] = neutralise_cell(value)
    ws["A5"] = ("Type each figure in its metric's row, under its term; percentages as 68.5, not 0.685. Below the "
                "measures, give the two counts behind each percentage: the scorecard then shows them with it and "
                "marks small numbers. " + _MISSING_HINT + " Definitions are on the next sheet. Do not use formulas.")
    ws["A5"].alignment = _WRAP
    ws.row_dimensions[5].height = 60

    headers = {NAME_COL: "Metric", UNIT_COL: "Unit", ID_COL: "Metric id"}
    headers.update({FIRST_TERM_COL + i: t.label for i, t in enumerate(terms)})
    # After the figures, a drop-down per term for why a figure is missing.
    first_reason_col = FIRST_TERM_COL + len(terms)
    headers.update({first_reason_col + i: f"{t.label}{REASON_SUFFIX}" for i, t in enumerate(terms)})
    for col, text in headers.items():
        cell = ws.cell(HEADER_ROW, col, text)
        cell.font, cell.fill, cell.alignment = _BOLD, _HEADER_FILL, _WRAP

    last_col = FIRST_TERM_COL + len(terms) - 1
    rows = _template_rows(metrics)
    reasons = _reason_list()
    reasons.add(f"{get_column_letter(first_reason_col)}{FIRST_ROW}:"
                f"{get_column_letter(first_reason_col + len(terms) - 1)}{FIRST_ROW + len(metrics) - 1}")
    ws.add_data_validation(reasons)
    # In the metrics' order, so the same template is the same bytes each time.
    validations = {unit: _validation(unit) for unit in dict.fromkeys(unit for _, _, unit, _ in rows if unit)}
    for i, (name, row_id, unit, decimals) in enumerate(rows):
        row = FIRST_ROW + i
        if not row_id:  # the heading above the counts
            cell = ws.cell(row, NAME_COL, name)
            cell.font, cell.fill, cell.alignment = _BOLD, _HEADER_FILL, _WRAP
            continue
        ws.cell(row, NAME_COL, neutralise_cell(name)).alignment = _WRAP
        ws.cell(row, UNIT_COL, UNIT_WORDS.get(unit, unit)).alignment = _WRAP
        ws.cell(row, ID_COL, row_id)
        for col in range(FIRST_TERM_COL, last_col + 1):
            ws.cell(row, col).number_format = "0" if decimals == 0 else "0." + "0" * decimals
        validations[unit].add(f"{get_column_letter(FIRST_TERM_COL)}{row}:{get_column_letter(last_col)}{row}")
    for dv in validations.values():
        ws.add_data_validation(dv)

    ws.column_dimensions["A"].width = 55
    ws.column_dimensions["B"].width = 22
    ws.column_dimensions[ID_LETTER].width = 28
    ws.column_dimensions[ID_LETTER].hidden = True
    for col in range(FIRST_TERM_COL, last_col + 1 + len(terms)):
        ws.column_dimensions[get_column_letter(col)].width = 16
    ws.freeze_panes = ws.cell(FIRST_ROW, FIRST_TERM_COL).coordinate
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1


def _template_rows(metrics: list[Metric]) -> list[tuple[str, str, str, int]]:
    """The template's rows as (words, hidden id, unit, decimals): each metric, then, after a heading,
    the two counts behind each percentage, so the scorecard can show "6.0%: 24 of 403" and mark small
    numbers. A heading row has no id and takes no figures."""
    rows = [(m.name, m.id, m.unit, m.decimals) for m in metrics]
    rates = [m for m in metrics if m.unit == "%"]
    if rates:
        rows.append((COUNTS_HEADING, "", "", 0))
    for m in rates:
        rows.append((f"{m.label}: {m.numerator_label or 'the number counted in the percentage'} (numerator)",
                     f"{m.id}{PART_SEPARATOR}numerator", "count", 0))
        rows.append((f"{m.label}: {m.denominator_label or 'the number the percentage is of'} (denominator)",
                     f"{m.id}{PART_SEPARATOR}denominator", "count", 0))
    return rows


def _reason_list() -> DataValidation:
    dv = DataValidation(type="list", formula1='"' + ",".join(REASONS) + '"', allow_blank=True)
    dv.showInputMessage = dv.showErrorMessage = True
    dv.promptTitle, dv.prompt = "Reason if blank", "If this term's figure is blank, choose why it is missing."
    dv.errorTitle, dv.error = "Choose a reason", "Choose one of: " + ", ".join(REASONS) + "."
    return dv


def _validation(unit: str) -> DataValidation:
    if unit == "%":
        dv = DataValidation(type="decimal", operator="between", formula1="0", formula2="100")
        title, prompt = "Percentage, 0 to 100", "Type the percentage as a number from 0 to 100: 68.5 for 68.5%."
    elif unit == "count":
        dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0")
        title, prompt = "Count", "Type a whole number of 0 or more."
    else:
        dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0")
        title, prompt = UNIT_WORDS.get(unit, unit).capitalize(), "Type a number of 0 or more."
    dv.showInputMessage = dv.showErrorMessage = True
    dv.allow_blank = True
    dv.promptTitle, dv.prompt = title[:32], f"{prompt} {_MISSING_HINT}"[:255]
    # A warning, not a stop, so a reason such as "suppressed" can still be typed.
    dv.errorStyle, dv.errorTitle, dv.error = "warning", "Check this figure", f"{prompt} {_MISSING_HINT}"[:255]
    return dv


def _fill_definitions(ws, metrics: list[Metric]) -> None:
    headers = ("Metric id", "Name", "Description", "Unit", "Polarity", "Decimals")
    widths = (28, 45, 80, 22, 24, 10)
    for col, (text, width) in enumerate(zip(headers, widths), start=1):
        cell = ws.cell(1, col, text)
        cell.font, cell.fill, cell.alignment = _BOLD, _HEADER_FILL, _WRAP
        ws.column_dimensions[get_column_letter(col)].width = width
    for row, m in enumerate(metrics, start=2):
        values = (m.id, m.name, m.description, UNIT_WORDS.get(m.unit, m.unit),
                  POLARITY_WORDS.get(m.polarity, m.polarity), m.decimals)
        for col, value in enumerate(values, start=1):
            ws.cell(row, col, neutralise_cell(value)).alignment = _WRAP
    ws.freeze_panes = "A2"
