"""ZIP bombs and oversized archives are refused from the archive's directory, before a byte is
expanded, wherever a ZIP arrives: `scorecard import`, the dashboard's uploader (even when named .csv),
and the .xlsx and .ods readers. The message names the file and the member; the store is unchanged.

The bombs are real: benchmarks.zip_bomb.write_bomb builds a valid 1 GiB-expanding archive without
compressing 1 GiB (one compressed block, repeated). Time and memory are measured by that script."""

from __future__ import annotations

import random
import struct
import zipfile

import pytest

from benchmarks.zip_bomb import MIB, write_bomb
from scorecard import cli, ingest, limits, store
from scorecard.importers import SourceFile, local_template, moj_tribunal, neighbours, read_file
from scorecard.importers.base import ImportFailure
from scorecard.importers.safe_zip import SafeZip
from scorecard.ui import admin

from scorecard import access  # noqa: E402

ADMIN = access.command_line("test")

WORKBOOK = {"[Content_Types].xml": b"<Types/>",
            "xl/workbook.xml": b'<workbook><sheets><sheet name="Return"/><sheet name="LA SN Groups"/></sheets></workbook>'}
ODS = {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}


def _state(con):
    return (con.execute("SELECT count(*), sum(value) FROM metric_value").fetchone(),
            con.execute("SELECT count(*) FROM import_batch").fetchone()[0], store.data_version(con))


@pytest.fixture
def nothing_expanded(monkeypatch):
    """Fail the test if any ZIP member is expanded: a refusal must come from the directory alone."""
    def refuse(*args, **kwargs):
        raise AssertionError("a member of the archive was expanded")
    monkeypatch.setattr(zipfile.ZipExtFile, "read", refuse)
    monkeypatch.setattr(zipfile.ZipExtFile, "read1", refuse)


@pytest.mark.parametrize("name", ["bomb.zip", "bomb.csv"])
def test_a_zip_bomb_is_refused_by_the_cli_before_anything_is_expanded(con, tmp_path, name, nothing_expanded):
    bomb = write_bomb(tmp_path / name, expand_mib=1024)
    assert bomb.stat().st_size < 5 * MIB  # small on disk...
    with zipfile.ZipFile(bomb) as z:
        assert z.getinfo("data/bomb.csv").file_size == 1024 * MIB  # ...and declares 1 GiB
    before = _state(con)
    with pytest.raises(ImportFailure) as exc:
        ingest.import_source(con, SourceFile.from_path(bomb), actor=ADMIN)
    message = str(exc.value)
    assert message.startswith(f"{name}: data/bomb.csv would expand")
    assert "1,024 MB" in message and "a ZIP bomb" in message and "Nothing in it was read" in message
    assert _state(con) == before


def test_the_cli_says_so_and_exits_non_zero(db_path, tmp_path, capsys):
    bomb = write_bomb(tmp_path / "release.zip", expand_mib=1024)
    code = cli.main(["--db", str(db_path), "import", str(bomb)])
    err = capsys.readouterr().err
    assert code == 1 and "release.zip: data/bomb.csv would expand" in err and "nothing was written" in err


def test_the_uploader_refuses_a_bomb_named_csv(con, tmp_path, nothing_expanded):
    data = write_bomb(tmp_path / "x", expand_mib=1024).read_bytes()
    before = _state(con)
    with pytest.raises(ImportFailure) as exc:
        admin.read_upload(con, "termly_return.csv", data, access.Actor("officer@plymouth.gov.uk", access.EDITOR, {"E06000026"}))
    assert str(exc.value).startswith("termly_return.csv: data/bomb.csv would expand")
    assert _state(con) == before


@pytest.mark.parametrize("shape, member, readers", [
    ("xlsx", "xl/worksheets/sheet1.xml", (local_template.read, neighbours.read)),
    ("ods", "content.xml", (moj_tribunal.read_ods,)),
])
def test_workbook_bombs_are_vetted_before_openpyxl_or_odfpy_opens_them(con, ctx, tmp_path, shape, member,
                                                                        readers, nothing_expanded):
    extra = WORKBOOK if shape == "xlsx" else ODS
    data = write_bomb(tmp_path / f"bomb.{shape}", expand_mib=512, member=member, content=b"\0", extra=extra).read_bytes()
    source = SourceFile(f"return.{shape}", data)
    for read in (lambda s, c: read_file(s, c), *readers):
        with pytest.raises(ImportFailure) as exc:
            read(source, ctx)
        assert str(exc.value).startswith(f"return.{shape}: {member} would expand"), read


def test_a_workbook_may_expand_less_than_a_download(ctx, tmp_path):
    """Within the ratio, but more than openpyxl or odfpy should be given to parse whole."""
    size = limits.MAX_WORKBOOK_TOTAL_BYTES + MIB
    data = _stored_zip(tmp_path / "big.ods", {**ODS, "content.xml": size})
    with pytest.raises(ImportFailure) as exc:
        read_file(SourceFile("big.ods", data), ctx)
    assert f"a workbook may expand to at most {limits.megabytes(limits.MAX_WORKBOOK_TOTAL_BYTES)}" in str(exc.value)


def test_an_archive_that_lies_about_its_sizes_is_stopped_while_reading(con, tmp_path):
    """The directory says 1 KB; the member expands to 64 MiB. Reading stops at the declared size and
    the archive is refused as corrupt, with nothing written."""
    bomb = write_bomb(tmp_path / "liar.zip", expand_mib=64)
    data = bytearray(bomb.read_bytes())
    _declare_size(data, 1024)
    with zipfile.ZipFile(_as_file(tmp_path / "liar2.zip", data)) as z:
        assert z.getinfo("data/bomb.csv").file_size == 1024
    before = _state(con)
    with pytest.raises(ImportFailure) as exc:
        ingest.import_source(con, SourceFile("liar.zip", bytes(data)), actor=ADMIN)
    assert "liar.zip: data/bomb.csv cannot be read: the archive is corrupt or truncated" in str(exc.value)
    assert _state(con) == before


def test_members_are_counted_while_they_expand(tmp_path):
    """However a member gets past its declared size, the count of expanded bytes stops it."""
    data = _stored_zip(tmp_path / "a.zip", {"a.csv": 3 * MIB})
    archive = SafeZip(SourceFile("a.zip", data), zipfile.ZipFile(tmp_path / "a.zip"), total_limit=2 * MIB)
    with pytest.raises(ImportFailure) as exc:
        archive.read("a.csv")
    assert str(exc.value) == ("a.zip: a.csv expands beyond 2.0 MB, more than its ZIP directory declares or this "
                              "tool reads; the archive is damaged or was made to exhaust the server. It was not "
                              "read further.")


def test_a_download_within_the_limits_is_read(ctx, tmp_path):
    """The limits sit far above real files: a 3 MB member of figures is expanded and read."""
    rng = random.Random(1)
    figures = "".join(f"{rng.randint(0, 99999)},{rng.random():.6f}\n" for _ in range(250_000)).encode()
    path = tmp_path / "ok.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("data/figures.csv", figures)
    with pytest.raises(ImportFailure) as exc:  # read in full, then refused only for holding no metric
        read_file(SourceFile("ok.zip", path.read_bytes()), ctx)
    assert len(figures) > 3 * MIB and str(exc.value) == "ok.zip: no file in the ZIP holds a metric in the register"


def _stored_zip(path, members: dict) -> bytes:
    """A ZIP of uncompressed members: bytes as given, or a size in bytes of filler."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for name, content in members.items():
            if isinstance(content, int):
                with z.open(name, "w") as out:
                    for start in range(0, content, MIB):
                        out.write(b"x" * min(MIB, content - start))
            else:
                z.writestr(name, content)
    return path.read_bytes()


def _declare_size(data: bytearray, size: int) -> None:
    """Rewrite the uncompressed size of the last member in its local header and the directory."""
    local = data.rfind(b"PK\x03\x04")
    central = data.rfind(b"PK\x01\x02")
    struct.pack_into("<I", data, local + 22, size)
    struct.pack_into("<I", data, central + 24, size)


def _as_file(path, data) -> str:
    path.write_bytes(bytes(data))
    return str(path)
