"""The committed seed is what the code builds from the raw releases, and the CLI serves it."""

import json

import pytest

from scorecard import cli, config, seed, store

from scorecard import access  # noqa: E402

ADMIN = access.command_line("test")


def test_every_seeded_figure_has_a_source_with_an_ogl_attribution():
    values = seed.read_table(config.SEED_DIR, "values").df()
    sources = seed.read_table(config.SEED_DIR, "sources").df().set_index("id")
    assert set(values["source_id"]) <= set(sources.index)
    for source_id in set(values["source_id"]):
        s = sources.loc[source_id]
        assert "Open Government Licence v3.0" in s["attribution"] and s["publisher"] and s["url"]


def test_init_is_idempotent(tmp_path, capsys):
    db = str(tmp_path / "s.duckdb")
    assert cli.main(["--db", db, "init"]) == 0
    assert "Loaded the seed" in capsys.readouterr().out
    con = store.connect(db)
    counts = con.execute("SELECT count(*), count(DISTINCT batch_id) FROM metric_value").fetchone()
    con.close()
    assert cli.main(["--db", db, "init"]) == 0
    assert "already loaded" in capsys.readouterr().out
    con = store.connect(db)
    assert con.execute("SELECT count(*), count(DISTINCT batch_id) FROM metric_value").fetchone() == counts
    assert store.schema_version(con) >= 1
    # The seed's load is in the audit trail once, with its batch: loading it again changed nothing.
    trail = con.execute("SELECT who, action, batch_id, detail FROM audit_event WHERE action = 'import'").fetchall()
    batch = con.execute("SELECT max(batch_id) FROM metric_value").fetchone()[0]
    assert len(trail) == 1 and trail[0][:3] == ("scorecard init", "import", batch)
    assert trail[0][3].startswith("the seed: ") and " figures added" in trail[0][3]
    con.close()


def test_show_plymouth_20_week_timeliness(db_path, capsys):
    assert cli.main(["--db", str(db_path), "show", "--metric", "ehcp_20wk_pct", "--area", "Plymouth",
                     "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["period"] for r in rows] == [str(y) for y in range(2014, 2025)]
    last = rows[-1]
    assert last["area_code"] == "E06000026" and last["la_number"] == "879"
    assert last["value"] == 6.0 and last["england"] == 46.4 and last["rank"] == 145 and last["rank_of"] == 149
    assert last["region"] is not None and last["sn_count"] == 10 and last["quartile"] == "D"
    assert list(rows[0]) == ["area_code", "la_number", "area_name", "period", "value", "numerator", "denominator",
                             "ci_lower", "ci_upper", "status", "source", "england", "region", "sn_mean", "sn_count",
                             "rank", "rank_of", "quartile", "rank_note"]
    assert (last["ci_lower"], last["ci_upper"]) == (4.0, 8.7)  # 24 of 403: Wilson's interval


def test_show_all_areas_as_csv(db_path, capsys):
    assert cli.main(["--db", str(db_path), "show", "--metric", "tribunal_appeal_rate_pct", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("area_code,la_number,area_name,period")
    assert len(lines) > 150 * 10


@pytest.mark.parametrize("args,needle", [
    (["show", "--metric", "nope"], "unknown metric 'nope'"),
    (["show", "--metric", "ehcp_20wk_pct", "--area", "Narnia"], "unknown area 'Narnia'"),
])
def test_show_refuses_unknown_metric_or_area(db_path, capsys, args, needle):
    assert cli.main(["--db", str(db_path), *args]) == 2
    assert needle in capsys.readouterr().err


def test_store_path_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SCORECARD_DB", str(tmp_path / "env.duckdb"))
    assert config.db_path() == str(tmp_path / "env.duckdb")
    assert config.db_path("explicit.duckdb") == "explicit.duckdb"


def test_init_reloads_a_seed_that_was_undone(db_path, capsys):
    con = store.connect(str(db_path))
    seed_batch = con.execute("SELECT id FROM import_batch WHERE format = 'seed'").fetchone()[0]
    from scorecard import ingest

    ingest.undo(con, seed_batch, actor=ADMIN)
    assert con.execute("SELECT count(*) FROM metric_value WHERE is_current").fetchone()[0] == 0
    con.close()
    assert cli.main(["--db", str(db_path), "init"]) == 0
    assert "Loaded the seed" in capsys.readouterr().out
    con = store.connect(str(db_path))
    assert con.execute("SELECT count(*) FROM metric_value WHERE is_current").fetchone()[0] > 20000
    con.close()



def test_show_takes_several_areas_or_all_and_rounds_its_figures(db_path, capsys):
    assert cli.main(["--db", str(db_path), "show", "--metric", "excl_perm_rate", "--area", "Plymouth", "908",
                     "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert {line.split(",")[0] for line in lines[1:]} == {"E06000026", "E06000052"}
    values = [line.split(",")[4] for line in lines[1:] if line.split(",")[4]]
    assert all(len(v.split(".")[-1]) <= 2 for v in values), "rounded to the measure's two decimals"
    assert cli.main(["--db", str(db_path), "show", "--metric", "ehcp_20wk_pct", "--area", "all",
                     "--format", "json"]) == 0
    assert len({r["area_code"] for r in json.loads(capsys.readouterr().out)}) > 150


def test_show_loads_no_pandas(db_path):
    """A whole `scorecard show` process must start fast: it reads no DataFrame (benchmarks/cli.py times it)."""
    import subprocess
    import sys

    probe = ("import sys\nfrom scorecard import cli\n"
             f"cli.main(['--db', {str(db_path)!r}, 'show', '--metric', 'ehcp_20wk_pct', '--area', 'Plymouth'])\n"
             "sys.stdout.write('PANDAS' if 'pandas' in sys.modules else 'NO-PANDAS')")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.endswith("NO-PANDAS")


def test_card_for_several_areas(db_path, capsys):
    assert cli.main(["--db", str(db_path), "card", "--area", "Plymouth", "Cornwall", "--term", "Autumn 2026/27",
                     "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("area_code,metric,")
    assert {line.split(",")[0] for line in lines[1:]} == {"E06000026", "E06000052"}


def test_report_for_several_areas_writes_each_pack_in_parallel(db_path, tmp_path, capsys):
    out = tmp_path / "packs"
    assert cli.main(["--db", str(db_path), "report", "--area", "Plymouth", "Torbay", "--format", "xlsx",
                     "--term", "Autumn 2026/27", "--out", str(out), "--jobs", "2"]) == 0
    assert "Wrote 2 packs" in capsys.readouterr().out
    assert sorted(p.name for p in out.iterdir()) == ["send-scorecard-plymouth-autumn-2026-27.xlsx",
                                                      "send-scorecard-torbay-autumn-2026-27.xlsx"]
