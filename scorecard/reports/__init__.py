"""Committee and stocktake packs: PDF for the committee paper, PowerPoint for the board, Word for
officers' report templates and Excel for the data behind them. Every pack is built from the same
scorecard as the home page (card.build), through one content model (content.build_pack).

    data, filename, mime = pack_bytes(con, "E06000026", "Autumn 2026/27", "pdf", public=True)

A download button can defer the work until it is clicked (Streamlit runs the callable on another
thread, so give it a cursor of its own):

    st.download_button(LABELS["pdf"], file_name=file_name(area.name, term, "pdf", public),
                       mime=MIME["pdf"], data=lambda: pack_bytes(connection().cursor(), area.code, term, "pdf",
                                                                  public=public)[0])
"""

from __future__ import annotations

import importlib

from .content import Pack, build_pack, file_name
from ..suppression import DEFAULT_THRESHOLD

# Format -> (module that renders it, MIME type, button label). The renderers load their libraries
# (ReportLab, python-pptx, python-docx, matplotlib) only when a pack is made, not when a page starts.
FORMATS = {
    "pdf": ("pdf", "application/pdf", "PDF (committee paper)"),
    "pptx": ("pptx_pack", "application/vnd.openxmlformats-officedocument.presentationml.presentation",
             "PowerPoint (board slides)"),
    "docx": ("docx_pack", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             "Word (for report templates)"),
    "xlsx": ("xlsx_pack", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "Excel (the data)"),
}


MIME = {fmt: spec[1] for fmt, spec in FORMATS.items()}
LABELS = {fmt: spec[2] for fmt, spec in FORMATS.items()}


def render(pack: Pack, fmt: str) -> tuple[bytes, str, str]:
    """One format of a built pack: (bytes, file name, MIME type)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown pack format {fmt!r}; choose one of {', '.join(FORMATS)}")
    module, mime, _ = FORMATS[fmt]
    writer = importlib.import_module(f"{__name__}.{module}").render
    return writer(pack), pack.filename(fmt), mime


def pack_bytes(con, area_code: str, term, fmt: str, public: bool = False, baseline=None,
               threshold: int = DEFAULT_THRESHOLD, table_for=None, detail: bool = False) -> tuple[bytes, str, str]:
    """A pack for one area and term in one format, for download buttons and the CLI:
    (bytes, file name, MIME type). Raises AreaNotFound, PeriodError or ValueError on bad input.
    `table_for` may supply the metric tables (tables.MetricTables) a page or worker already holds;
    `detail` adds each measure's slide to the PowerPoint deck, as an appendix."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown pack format {fmt!r}; choose one of {', '.join(FORMATS)}")
    pack = build_pack(con, area_code, term, public=public, baseline=baseline, threshold=threshold,
                      table_for=table_for, detail=detail)
    return render(pack, fmt)


__all__ = ["FORMATS", "LABELS", "MIME", "Pack", "build_pack", "file_name", "pack_bytes", "render"]
