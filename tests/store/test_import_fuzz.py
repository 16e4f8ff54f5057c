"""Property-based tests: real fixture files, mutated as careless hands and broken transfers do
(columns dropped, cells replaced with junk, symbols, huge or negative numbers, headers renamed,
rows duplicated or lost, bytes flipped, files cut short, other line endings and delimiters), are
fed to `scorecard import`. Whatever the file, two things hold:
  - nothing escapes but ImportFailure (the CLI prints no traceback), and
  - a refused import leaves every table of the store exactly as it was.

Deterministic in CI (derandomize) and bounded: set SCORECARD_FUZZ_EXAMPLES to explore further, e.g.
`SCORECARD_FUZZ_EXAMPLES=2000 pytest tests/store/test_import_fuzz.py`.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import struct
import zipfile
import zlib

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from scorecard import cli, ingest, store
from scorecard.importers import SourceFile
from scorecard.importers.base import ImportFailure
from tests.conftest import FIXTURES, only_a_refusal_recorded, refusals, store_fingerprint

from scorecard import access  # noqa: E402

ADMIN = access.command_line("test")

EXAMPLES = int(os.environ.get("SCORECARD_FUZZ_EXAMPLES", "0"))
CSV_FILES = (
    "ees/timeliness_20_week.csv", "ees/requests.csv", "ees/caseload.csv", "ees/annual_reviews.csv",
    "ees/sen2_mi.csv", "ees/ehe_academic_year.csv", "ees/exc_nat_region_la_fy.csv",
    "moj/SEND Tribunals and appeal rate 2014-2024.csv", "local/return.csv",
)
WORKBOOKS = ("neighbours/sn_may_2025.xlsx", "neighbours/sn_april_2021.xlsx", "local/template_filled.xlsx")
ZIP = "ees/education-health-and-care-plans_2025.zip"
ODS = "moj/send_appeal_rate_table_2022.ods"
JUNK = ("", " ", "x", "c", "z", "low", "u", ":", "..", "~", "-", " - ", "NaN", "nan", "inf", "-inf", "1e309",
        "-1", "-0", "-12.5", "0.5", "12.5%", "150%", "101", "1,2,3", "1,234,567", "99999999999999999999999",
        "1" * 400, "=SUM(A1:A9)", "+1", "@x", "\"", "\"\"", "'", "\\", "\x00", "\t", "\r", "\n", "€", "£5",
        "💥", "é", "E92000001", "E06000026", "E12000009", "999", "Plymouth", "England", "2024", "202425",
        "Calendar year", "Academic year", "Spring 2024/25", "National", "Regional", "Local authority",
        "suppressed", "illustrative", "published", "<script>", "Total", "All EHC plans issued")
junk = st.one_of(st.sampled_from(JUNK), st.text(max_size=12),
                 st.integers(min_value=-10**20, max_value=10**20).map(str),
                 st.floats(allow_nan=True, allow_infinity=True).map(repr))


def _fixture(relative: str) -> bytes:
    return (FIXTURES / relative).read_bytes()


# --- Mutating the text of a CSV ------------------------------------------------------------------


def _grid(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.replace("\r\n", "\n"))))


def _text(grid: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(grid)
    return out.getvalue()


@st.composite
def grid_edit(draw, grid: list[list[str]]) -> list[list[str]]:
    grid = [list(r) for r in grid]
    if not grid:
        return grid
    i = draw(st.integers(0, len(grid) - 1))
    width = max(len(r) for r in grid) or 1
    j = draw(st.integers(0, width - 1))
    kind = draw(st.sampled_from(["cell", "cell", "cell", "header", "drop column", "drop row", "repeat row",
                                 "short row"]))
    if kind == "cell" and j < len(grid[i]):
        grid[i][j] = draw(junk)
    elif kind == "header":
        h = draw(st.integers(0, min(4, len(grid) - 1)))
        if j < len(grid[h]):
            grid[h][j] = draw(st.one_of(junk, st.sampled_from([c for c in grid[h] if c] or [""])))
    elif kind == "drop column":
        grid = [r[:j] + r[j + 1:] for r in grid]
    elif kind == "drop row":
        del grid[i]
    elif kind == "repeat row":
        grid.insert(i, list(grid[i]))
    elif kind == "short row":
        grid[i] = grid[i][: draw(st.integers(0, len(grid[i])))]
    return grid


@st.composite
def byte_edit(draw, data: bytes) -> bytes:
    if not data:
        return data
    kind = draw(st.sampled_from(["flip", "truncate", "insert", "line endings", "delimiter", "bom"]))
    at = draw(st.integers(0, len(data) - 1))
    if kind == "flip":
        return data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1:]
    if kind == "truncate":
        return data[:at]
    if kind == "insert":
        return data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
    if kind == "line endings":
        normal = data.replace(b"\r\n", b"\n")
        return normal.replace(b"\n", draw(st.sampled_from([b"\r", b"\r\n", b"\n\n", b"\n\r"])))
    if kind == "delimiter":
        return data.replace(b",", draw(st.sampled_from([b";", b"\t", b"|", b", "])))
    bom = b"\xef\xbb\xbf"
    return data[3:] if data.startswith(bom) else bom + data


@st.composite
def mutated_csv(draw, data: bytes) -> bytes:
    grid_edits = draw(st.integers(0, 3))
    if grid_edits:
        bom = "\ufeff" if data.startswith(b"\xef\xbb\xbf") else ""
        grid = _grid(data.decode("utf-8-sig"))
        for _ in range(grid_edits):
            grid = draw(grid_edit(grid))
        data = (bom + _text(grid)).encode("utf-8", errors="surrogatepass")
    for _ in range(draw(st.integers(0 if grid_edits else 1, 2))):
        data = draw(byte_edit(data))
    return data


# --- Mutating workbooks, the ODS and the ZIP -----------------------------------------------------


@st.composite
def mutated_workbook(draw, data: bytes) -> bytes:
    if draw(st.integers(0, 4)) == 0:
        return draw(byte_edit(data))
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    for _ in range(draw(st.integers(1, 3))):
        row = draw(st.integers(1, ws.max_row + 1))
        col = draw(st.integers(1, ws.max_column + 1))
        kind = draw(st.sampled_from(["cell", "cell", "number", "delete row", "delete column", "merge"]))
        if kind == "cell":
            ws.cell(row, col).value = ILLEGAL_CHARACTERS_RE.sub("", draw(junk)) or None
        elif kind == "number":
            ws.cell(row, col).value = draw(st.one_of(st.integers(-10**12, 10**12),
                                                     st.floats(allow_nan=False, allow_infinity=False)))
        elif kind == "delete row":
            ws.delete_rows(row)
        elif kind == "delete column":
            ws.delete_cols(col)
        else:
            ws.merge_cells(start_row=row, start_column=col, end_row=row, end_column=col + 1)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@st.composite
def mutated_ods(draw, data: bytes) -> bytes:
    if draw(st.integers(0, 3)) == 0:
        return draw(byte_edit(data))
    archive = zipfile.ZipFile(io.BytesIO(data))
    content = archive.read("content.xml").decode("utf-8")
    values = list(re.finditer(r'office:value="([^"]*)"', content))
    texts = list(re.finditer(r"<text:p>([^<]*)</text:p>", content))
    for _ in range(draw(st.integers(1, 3))):
        matches = values if draw(st.booleans()) else texts
        m = matches[draw(st.integers(0, len(matches) - 1))]
        replacement = re.sub(r'[<>&"]', "", draw(junk))
        content = content[: m.start(1)] + replacement + content[m.end(1):]
        values = list(re.finditer(r'office:value="([^"]*)"', content))
        texts = list(re.finditer(r"<text:p>([^<]*)</text:p>", content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in archive.infolist():
            z.writestr(info, content if info.filename == "content.xml" else archive.read(info))
    return out.getvalue()


@st.composite
def mutated_zip(draw, data: bytes) -> bytes:
    if draw(st.integers(0, 4)) == 0:
        return draw(byte_edit(data))
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = [i.filename for i in archive.infolist() if i.filename.endswith(".csv")]
    target = draw(st.sampled_from(names))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in archive.infolist():
            body = archive.read(info)
            z.writestr(info, draw(mutated_csv(body)) if info.filename == target else body)
    return out.getvalue()


class Mutated(SourceFile):
    """A mutated fixture; shown in a failure report by name and size, not by every byte."""

    def __repr__(self) -> str:
        return f"Mutated({self.name!r}, {len(self.data):,} bytes, sha256 {self.sha256[:12]})"


@st.composite
def mutated_file(draw) -> Mutated:
    relative = draw(st.sampled_from(CSV_FILES + WORKBOOKS + (ZIP, ODS)))
    data = _fixture(relative)
    if relative in CSV_FILES:
        data = draw(mutated_csv(data))
    elif relative in WORKBOOKS:
        data = draw(mutated_workbook(data))
    elif relative == ZIP:
        data = draw(mutated_zip(data))
    else:
        data = draw(mutated_ods(data))
    return Mutated(relative.rsplit("/", 1)[1], data)


def _check_import(con, source: SourceFile) -> None:
    before, refused = store_fingerprint(con), refusals(con)
    try:
        ingest.import_source(con, source, actor=ADMIN)
    except ImportFailure as failure:
        assert only_a_refusal_recorded(con, before, refused), f"{source.name} was refused but the store changed"
        assert failure.issues and all(i.file and i.message for i in failure.issues)
        assert "Traceback" not in str(failure) and str(FIXTURES) not in str(failure)


FUZZ = settings(max_examples=EXAMPLES or 70, derandomize=not EXAMPLES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large, HealthCheck.filter_too_much])


def _damaged(relative: str, member: str) -> Mutated:
    """The fixture with one byte of a member's compressed data flipped, at the first place where the
    flip breaks the deflate stream itself (zlib.error), not just its checksum."""
    data = bytearray(_fixture(relative))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(member)
    name_length, extra_length = struct.unpack("<HH", data[info.header_offset + 26: info.header_offset + 30])
    start = info.header_offset + 30 + name_length + extra_length
    for offset in range(info.compress_size):
        stream = bytearray(data[start: start + info.compress_size])
        stream[offset] ^= 0xFF
        try:
            zlib.decompressobj(-15).decompress(bytes(stream))
        except zlib.error:
            data[start + offset] ^= 0xFF
            return Mutated(relative.rsplit("/", 1)[1], bytes(data))
    raise AssertionError(f"no flip in {member} breaks its deflate stream")


def _edited(relative: str, old: bytes, new: bytes, everywhere: bool = False) -> Mutated:
    data = _fixture(relative)
    assert old in data
    return Mutated(relative.rsplit("/", 1)[1], data.replace(old, new, -1 if everywhere else 1))


def _ods_edited(old: str, new: str) -> Mutated:
    """The ODS fixture with one attribute or text of content.xml changed."""
    archive = zipfile.ZipFile(io.BytesIO(_fixture(ODS)))
    content = archive.read("content.xml").decode("utf-8")
    assert old in content
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in archive.infolist():
            z.writestr(info, content.replace(old, new, 1) if info.filename == "content.xml" else archive.read(info))
    return Mutated(ODS.rsplit("/", 1)[1], out.getvalue())


# Crashes this test found, kept as regressions: each raised a traceback before its reader was fixed.
REGRESSIONS = (
    _edited("local/return.csv", b"\n", b"\r", everywhere=True),  # bare CR: _csv.Error
    _edited("ees/timeliness_20_week.csv", b"\r\n", b"\r", everywhere=True),  # bare CR: read as one header line
    _edited("ees/requests.csv", b"\r\n2019", b"\r\n\"2019"),  # a quote never closed: pandas ParserError
    _edited("ees/requests.csv", b",All requests", b",1,All requests"),  # an extra cell: values shifted silently
    _edited("ees/requests.csv", b",All requests", b",1,2,All requests"),  # two: TypeError (pandas MultiIndex)
    _ods_edited('office:value="34"', 'office:value="v"'),  # a float cell holding text: ValueError in pandas
    _edited("moj/SEND Tribunals and appeal rate 2014-2024.csv", b"\r\n", b"\r", everywhere=True),  # bare CR: _csv.Error
    _damaged("neighbours/sn_may_2025.xlsx", "xl/workbook.xml"),  # zlib.error in neighbours.looks_like
    _damaged("neighbours/sn_april_2021.xlsx", "xl/theme/theme1.xml"),  # zlib.error / BadZipFile in openpyxl
    _damaged("local/template_filled.xlsx", "xl/worksheets/sheet1.xml"),
    _damaged("moj/send_appeal_rate_table_2022.ods", "content.xml"),  # odfpy printed the XML, then raised
)


@given(source=mutated_file())
@FUZZ
def test_a_mutated_file_is_imported_or_refused_whole(con, source):
    _check_import(con, source)


for _regression in REGRESSIONS:
    test_a_mutated_file_is_imported_or_refused_whole = example(source=_regression)(
        test_a_mutated_file_is_imported_or_refused_whole)


@pytest.mark.parametrize("source", REGRESSIONS, ids=lambda s: s.name)
def test_each_regression_is_refused_or_read_with_a_clear_sentence(con, source):
    before, refused = store_fingerprint(con), refusals(con)
    try:
        ingest.import_source(con, source, actor=ADMIN)
    except ImportFailure as failure:
        assert str(failure).startswith(source.name) and only_a_refusal_recorded(con, before, refused)
    else:
        assert source.name in ("return.csv", "timeliness_20_week.csv", "SEND Tribunals and appeal rate 2014-2024.csv")


CLI_FUZZ = settings(FUZZ, max_examples=EXAMPLES // 4 or 12)


@given(source=mutated_file())
@CLI_FUZZ
def test_the_cli_never_prints_a_traceback(db_path, tmp_path, source):
    path = tmp_path / source.name
    path.write_bytes(source.data)
    check = store.connect(str(db_path), read_only=True)
    before, refused = store_fingerprint(check), refusals(check)
    check.close()
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["--db", str(db_path), "import", "--yes", str(path)])
    assert code in (0, 1), err.getvalue()
    assert "Traceback" not in out.getvalue() + err.getvalue()
    if code == 1:
        assert "nothing was written" in err.getvalue().lower()
        check = store.connect(str(db_path), read_only=True)
        try:
            assert only_a_refusal_recorded(check, before, refused)
        finally:
            check.close()


def test_the_fuzz_mutations_do_change_the_files():
    """The strategies are not a no-op: most drawn files differ from their fixture."""
    seen = []

    @given(source=mutated_file())
    @settings(FUZZ, max_examples=30)
    def draw_one(source):
        originals = {p.name: p.read_bytes() for p in FIXTURES.rglob("*") if p.is_file()}
        seen.append(source.data != originals.get(source.name))

    draw_one()
    assert sum(seen) >= 0.8 * len(seen)
