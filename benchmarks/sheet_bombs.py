"""Benchmark: spreadsheets made to eat the server, refused, timed and with their peak memory (the
child process's maximum resident set size), as a user meets them: `scorecard import --dry-run`, and
the dashboard's uploader (admin.read_upload, as the Local returns page calls it) as an admin and as
an editor.

* An OpenDocument repeat bomb of under a kilobyte, named .xlsx: `number-rows-repeated` and
  `number-columns-repeated` make billions of cells of a title the MoJ reader recognises.
* Excel dimension tricks: a cell at the sheet's far corner (XFD1048576) beside a real header, and
  rows padded out to column XFD, which a reader that squares the sheet turns into billions of cells.
* A CSV header of 200,000 columns (a 1.4 MB first line).

Run: python benchmarks/sheet_bombs.py. The target is a refusal in under 5 s using under 500 MB.
`write_ods_bomb`, `write_xlsx_bomb` and `wide_csv` build the files; tests/store uses them.
"""

from __future__ import annotations

import io
import sys
import tempfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_ODS_MANIFEST = (b'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                 b'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                 b'<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.'
                 b'spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                 b'</manifest:manifest>')
_ODS_CONTENT = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
                'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
                'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
                'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
                '<office:body><office:spreadsheet><table:table table:name="SEND_2">{rows}</table:table>'
                '</office:spreadsheet></office:body></office:document-content>')
_TITLE = ('<table:table-row><table:table-cell office:value-type="string"><text:p>SEND Tribunal appeal rate by '
          'local authority</text:p></table:table-cell></table:table-row>')
_FILLED = '<table:table-cell office:value-type="float" office:value="1"{columns}/>'


def ods_bomb_bytes(rows: int = 1_000_000_000, columns: int = 1_000_000_000, kind: str = "filled") -> bytes:
    """An OpenDocument spreadsheet of a few hundred bytes, recognised as the MoJ appeal-rate table,
    whose repeats expand to `rows` x `columns` cells.

    kind "filled": a filled cell repeated `columns` times, in a row repeated `rows` times.
    kind "empty": `rows` empty rows, then a row of `columns` empty cells before one filled cell (a
    reader keeps empty rows and cells only where something follows them, so these count too)."""
    if kind == "filled":
        body = (f'<table:table-row table:number-rows-repeated="{rows}">'
                + _FILLED.format(columns=f' table:number-columns-repeated="{columns}"') + "</table:table-row>")
    else:
        body = (f'<table:table-row table:number-rows-repeated="{rows}"><table:table-cell/></table:table-row>'
                f'<table:table-row><table:table-cell table:number-columns-repeated="{columns}"/>'
                + _FILLED.format(columns="") + "</table:table-row>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), _ODS_MIMETYPE)  # stored, first, as ODF requires
        archive.writestr("META-INF/manifest.xml", _ODS_MANIFEST)
        archive.writestr("content.xml", _ODS_CONTENT.format(rows=_TITLE + body))
    return out.getvalue()


def xlsx_bomb_bytes(kind: str = "far corner", rows: int = 1_048_576, columns: int = 16_384,
                    header: tuple[str, ...] = ("area", "metric", "period", "value")) -> bytes:
    """An Excel workbook of a few kilobytes whose sheet reaches far beyond what it holds.

    kind "far corner": a local return's header, then one figure at row `rows`, column `columns`.
    kind "padded rows": the header, then `rows` rows each with a figure in column `columns`.
    kind "styled corner": the header, and one empty but formatted cell at the far corner (nothing to
    read, but openpyxl's whole-workbook load walks every cell up to it)."""
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(header))
    if kind == "far corner":
        sheet.cell(rows, columns, 1)
    elif kind == "padded rows":
        for row in range(2, rows + 2):
            sheet.cell(row, columns, 1)
    else:
        sheet.cell(rows, columns).font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def wide_csv(columns: int = 200_000) -> bytes:
    """A local return's header followed by `columns` more column names (each twice), then one row."""
    names = ["area", "metric", "period", "value"] + [f"c{i % (columns // 2 or 1)}" for i in range(columns)]
    return (",".join(names) + "\nPlymouth,perm_staff_pct,Autumn 2025/26,80\n").encode()


def main() -> int:
    from benchmarks.zip_bomb import measure

    cases = {
        "ODS repeat bomb named .xlsx (filled)": ("moj.xlsx", ods_bomb_bytes()),
        "ODS repeat bomb named .xlsx (empty rows and cells)": ("moj.xlsx", ods_bomb_bytes(kind="empty")),
        "XLSX with a figure at XFD1048576": ("return.xlsx", xlsx_bomb_bytes("far corner")),
        "XLSX with 5,000 rows padded to column XFD": ("return.xlsx", xlsx_bomb_bytes("padded rows", rows=5_000)),
        "XLSX with a formatted cell at XFD1048576": ("return.xlsx", xlsx_bomb_bytes("styled corner")),
        "CSV with a 200,000-column header": ("return.csv", wide_csv()),
    }
    with tempfile.TemporaryDirectory(prefix="scorecard-sheet-bombs-") as folder:
        db = Path(folder) / "bench.duckdb"
        from scorecard import seed, store

        con = store.connect(str(db))
        seed.init(con)
        con.close()
        upload = Path(folder) / "upload.py"
        upload.write_text(_UPLOAD)
        for label, (name, data) in cases.items():
            path = Path(folder) / name
            path.write_bytes(data)
            print(f"{label}: {len(data):,} bytes", flush=True)
            for how, command in (
                    ("scorecard import --dry-run", [sys.executable, "-m", "scorecard.cli", "--db", str(db), "import",
                                                    "--dry-run", str(path)]),
                    ("uploader, as an admin", [sys.executable, str(upload), str(db), str(path), "admin"]),
                    ("uploader, as an editor", [sys.executable, str(upload), str(db), str(path), "editor"])):
                seconds, peak, code, output = measure(command)
                said = output.splitlines()[-1] if output else ""
                print(f"  {how:<28} {seconds:5.2f} s  {peak:6.0f} MB  exit {code}  {said[:150]}", flush=True)
    return 0


_UPLOAD = """
import sys
from pathlib import Path
sys.path.insert(0, %r)
from scorecard import access, store
from scorecard.importers.base import ImportFailure
from scorecard.ui import admin
con = store.connect(sys.argv[1], read_only=True)
who = access.command_line("benchmark") if sys.argv[3] == "admin" else access.Actor(
    "officer@plymouth.gov.uk", access.EDITOR, {"E06000026"})
try:
    admin.read_upload(con, Path(sys.argv[2]).name, Path(sys.argv[2]).read_bytes(), who)
except (ImportFailure, access.AccessRefused) as exc:
    sys.exit(str(exc))
""" % str(Path(__file__).resolve().parent.parent)


if __name__ == "__main__":
    sys.exit(main())
