"""Every command failure is a sentence and a non-zero exit, never a traceback or a server path: an
unexpected one is logged with a reference; a damaged store or one held by another process says so."""

from __future__ import annotations

import io
import json
import re
import shutil

import pandas as pd
import pytest

from scorecard import cli, config, show, store
from tests.conftest import cut_short, flip_a_byte_of, store_held

REFERENCE = re.compile(r"reference ([0-9A-F]{6})")
SAMPLE = config.DATA_DIR / "samples" / "sample_return_plymouth.csv"


def _run(capsys, *args) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def _no_detail(text: str) -> None:
    """Nothing a person should not see: no traceback, no exception class, no server path."""
    assert "Traceback" not in text and "Error:" not in text, text
    assert str(config.PROJECT_ROOT) not in text and "/tmp" not in text and "site-packages" not in text, text


def test_an_unexpected_failure_is_one_sentence_with_a_reference_and_the_detail_is_logged(
        db_path, capsys, monkeypatch, server_log):
    def broken(*args, **kwargs):
        raise RuntimeError(f"a bug in {config.PROJECT_ROOT}/scorecard/tables.py")

    monkeypatch.setattr(show, "rows", broken)
    code, out, err = _run(capsys, "--db", db_path, "show", "--metric", "ehcp_20wk_pct", "--area", "Plymouth")
    assert code == 1 and out == ""
    assert err.startswith("scorecard: something went wrong (reference ")
    assert "The details are in the server log." in err
    _no_detail(err)
    reference = REFERENCE.search(err).group(1)
    log = server_log.read_text()
    assert f"reference {reference} in scorecard show" in log
    assert "Traceback (most recent call last)" in log and "RuntimeError: a bug in" in log and "def broken" not in err


def test_an_unwritable_log_still_gives_the_sentence(db_path, capsys, monkeypatch, tmp_path):
    (tmp_path / "a_file").write_text("")
    monkeypatch.setenv("SCORECARD_LOG", str(tmp_path / "a_file" / "scorecard.log"))
    monkeypatch.setattr(show, "rows", lambda *a, **k: 1 / 0)
    code, out, err = _run(capsys, "--db", db_path, "show", "--metric", "ehcp_20wk_pct")
    assert code == 1
    assert REFERENCE.search(err) and "could not be written to the server log" in err
    _no_detail(err)


def test_ctrl_c_exits_quietly_with_130(db_path, capsys, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(show, "rows", interrupted)
    assert _run(capsys, "--db", db_path, "show", "--metric", "ehcp_20wk_pct") == (130, "", "")


def test_a_closed_pipe_is_not_a_failure(db_path, capsys, monkeypatch):
    def closed(*args, **kwargs):
        raise BrokenPipeError

    monkeypatch.setattr(cli, "_print_frame", closed)
    code, _, err = _run(capsys, "--db", db_path, "areas")
    assert code == 0 and err == ""


def test_a_file_that_cannot_be_written_is_named_as_typed(db_path, capsys, tmp_path):
    out_path = tmp_path / "no_such_folder" / "plymouth.xlsx"
    code, _, err = _run(capsys, "--db", db_path, "template", "--area", "Plymouth", "--out", out_path)
    assert code == 1
    assert err.strip() == f"scorecard: {out_path}: No such file or directory."


def test_the_default_store_is_named_without_the_server_path(capsys, monkeypatch):
    monkeypatch.delenv("SCORECARD_DB", raising=False)
    monkeypatch.setattr(config, "DEFAULT_DB", config.DATA_DIR / "not-a-store-for-this-test.duckdb")
    code, _, err = _run(capsys, "show", "--metric", "ehcp_20wk_pct")
    assert code == 1
    assert err.strip() == ("scorecard: There is no store at data/not-a-store-for-this-test.duckdb. "
                           "`scorecard init` creates one.")
    assert not (config.DATA_DIR / "not-a-store-for-this-test.duckdb").exists(), "a read must not create a store"


# ---------------------------------------------------------------------------------------------
# A store held by another process


def test_a_read_while_another_process_holds_the_store_says_so(db_path, capsys):
    with store_held(db_path) as holder:
        code, out, err = _run(capsys, "--db", db_path, "show", "--metric", "ehcp_20wk_pct")
    assert code == 1 and out == ""
    assert f"The store {db_path} is open in another process (the dashboard, or a command-line import; " \
           f"process {holder.pid}), so it cannot be read now. Nothing was changed." in err
    assert "Local returns page" not in err, "a read is not told to import through the dashboard"
    assert "Traceback" not in err and "IO Error" not in err


def test_an_import_while_another_process_holds_the_store_says_so_and_writes_nothing(db_path, capsys):
    with store_held(db_path):
        code, _, err = _run(capsys, "--db", db_path, "import", "--yes", SAMPLE)
    assert code == 1
    assert f"The store {db_path} is open in another process" in err and "so it cannot be changed now" in err
    assert "While the dashboard runs, import through its Local returns page." in err
    assert "Traceback" not in err and "IO Error" not in err
    con = store.connect(str(db_path), read_only=True)
    assert con.execute("SELECT count(*) FROM import_batch").fetchone()[0] == 1, "only the seed"
    con.close()


def test_two_reads_can_run_side_by_side(db_path, capsys):
    reader = store.connect(str(db_path), read_only=True)
    try:
        code, out, _ = _run(capsys, "--db", db_path, "areas", "--format", "csv")
    finally:
        reader.close()
    assert code == 0 and "E06000026" in out


# ---------------------------------------------------------------------------------------------
# A damaged store


# The byte is flipped in the area table, which every `show` reads whole (a block of metric_value may
# hold only other measures' rows, which the query skips by their stored minimum and maximum).
@pytest.mark.parametrize("damage", [cut_short, lambda path: flip_a_byte_of(path, "area")], ids=["cut short", "byte flipped"])
def test_a_command_on_a_damaged_store_says_so_in_a_sentence(db_path, capsys, damage):
    damage(db_path)
    code, out, err = _run(capsys, "--db", db_path, "show", "--metric", "ehcp_20wk_pct", "--area", "Plymouth")
    assert code == 1 and out == ""
    assert err.startswith(f"scorecard: The store {db_path} is damaged (")
    assert "Run `scorecard check`" in err and "`scorecard --db NEW_FILE init`" in err
    assert "Traceback" not in err and "Corrupt database file" not in err and "IO Error" not in err


def test_imports_no_longer_lists_a_store_cut_in_half_as_healthy(db_path, capsys):
    cut_short(db_path)
    code, out, err = _run(capsys, "--db", db_path, "imports")
    assert code == 1 and out == ""
    assert "is damaged (the file is shorter than its contents say, so it may have been cut short)" in err


# ---------------------------------------------------------------------------------------------
# `areas` and `metrics` in every format


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_areas_in_every_format(db_path, capsys, fmt):
    code, out, err = _run(capsys, "--db", db_path, "areas", "--format", fmt)
    assert code == 0 and err == ""
    if fmt == "csv":
        frame = pd.read_csv(io.StringIO(out), dtype=str)
        rows = frame.to_dict("records")
    elif fmt == "json":
        rows = json.loads(out)
    else:
        lines = out.splitlines()
        assert lines[0].split() == ["code", "la_number", "name", "level", "region", "current"]
        plymouth = next(line for line in lines if line.startswith("E06000026"))
        assert "879" in plymouth and "Plymouth" in plymouth and "South West" in plymouth
        assert len(lines) == 1 + 170
        return
    assert len(rows) == 170
    plymouth = next(r for r in rows if r["code"] == "E06000026")
    assert plymouth["name"] == "Plymouth" and plymouth["region"] == "South West" and str(plymouth["la_number"]) == "879"


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_metrics_in_every_format(db_path, capsys, fmt):
    code, out, err = _run(capsys, "--db", db_path, "metrics", "--format", fmt)
    assert code == 0 and err == ""
    if fmt == "csv":
        rows = pd.read_csv(io.StringIO(out)).to_dict("records")
    elif fmt == "json":
        rows = json.loads(out)
    else:
        lines = out.splitlines()
        assert lines[0].split()[:5] == ["id", "name", "unit", "polarity", "theme"]
        assert any(line.strip().startswith("ehcp_20wk_pct") and " % " in line for line in lines)
        return
    ehcp = next(r for r in rows if r["id"] == "ehcp_20wk_pct")
    assert ehcp["unit"] == "%" and ehcp["polarity"] == "higher" and ehcp["origin"] == "register"


def test_the_seed_store_copy_is_unchanged_by_reads(db_path, tmp_path, capsys):
    before = tmp_path / "before.duckdb"
    shutil.copy(db_path, before)
    for args in (["areas"], ["metrics"], ["imports"], ["show", "--metric", "ehcp_20wk_pct"]):
        assert cli.main(["--db", str(db_path), *args]) == 0
    capsys.readouterr()
    assert db_path.read_bytes() == before.read_bytes(), "a read-only command changed the store file"


def test_default_folders_in_messages_are_named_relative_to_the_checkout(capsys, monkeypatch, tmp_path):
    absent = config.PROJECT_ROOT.parent / "no-such-raw-folder-for-this-test"
    monkeypatch.setattr(config, "RAW_DATA_DIR", absent)
    code, _, err = _run(capsys, "seed", "build", "--out", tmp_path / "seed")
    assert code == 1
    assert err.startswith("scorecard: ../no-such-raw-folder-for-this-test lacks ees/")
    assert str(config.PROJECT_ROOT.parent) not in err


def test_python_warnings_go_to_the_server_log_not_to_the_person(db_path, capsys, monkeypatch, server_log):
    import warnings

    real = show.rows

    def noisy(*args, **kwargs):
        warnings.warn("a deprecation deep inside a library", FutureWarning, stacklevel=1)
        return real(*args, **kwargs)

    monkeypatch.setattr(show, "rows", noisy)
    code, out, err = _run(capsys, "--db", db_path, "show", "--metric", "ehcp_20wk_pct", "--area", "Plymouth")
    assert code == 0 and "Plymouth" in out
    assert err == ""
    log = server_log.read_text()
    assert "FutureWarning: a deprecation deep inside a library" in log and "test_cli_failures.py" in log
