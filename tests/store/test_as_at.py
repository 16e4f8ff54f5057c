"""Figures as they stood: "what did the pack we published in March say?" Every import, undo, target
and commentary change is a point in the store's history, and `--as-at` shows the scorecard then."""

import csv
import io
import time

import pytest

from scorecard import as_at, cli, commentary, ingest, store, targets
from scorecard.importers import SourceFile

from scorecard import access  # noqa: E402

ADMIN = access.command_line("test")

pytestmark = pytest.mark.both_backends  # the same store code serves a DuckDB file and a DuckLake

PLYMOUTH, TERM = "E06000026", "Autumn 2026/27"


def _card_csv(capsys, db_path, *extra) -> dict:
    assert cli.main(["--db", str(db_path), "card", "--area", "Plymouth", "--term", TERM, "--format", "csv",
                     *extra]) == 0
    return {r["metric"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}


def _return(tmp_path, name, value):
    path = tmp_path / name
    path.write_text(f"area,metric,period,value\nPlymouth,perm_staff_pct,Autumn 2026/27,{value}\n")
    return SourceFile.from_path(path)


def test_card_as_at_a_batch_or_a_moment_shows_the_figures_then(db_path, tmp_path, capsys):
    con = store.connect(str(db_path))
    first = ingest.import_source(con, _return(tmp_path, "first.csv", 70), actor=ADMIN)
    time.sleep(0.05)
    moment_between = con.execute("SELECT now()::TIMESTAMP").fetchone()[0]
    time.sleep(0.05)
    second = ingest.import_source(con, _return(tmp_path, "second.csv", 90), actor=ADMIN)
    targets.save_targets(con, [{"area_code": PLYMOUTH, "metric_id": "perm_staff_pct", "period_label": None,
                                "from_period": None, "to_period": None, "target": 85.0, "tolerance": 0,
                                "baseline_period": None}], actor=ADMIN)
    commentary.add(con, PLYMOUTH, "perm_staff_pct", TERM, "Agency cover ended.", actor=ADMIN)
    ingest.undo(con, second.batch_id, actor=ADMIN)
    con.close()

    now = _card_csv(capsys, db_path)
    assert float(now["perm_staff_pct"]["value"]) == 70 and now["perm_staff_pct"]["rag"] == "Red"
    assert now["perm_staff_pct"]["commentary"] == "Agency cover ended."

    then = _card_csv(capsys, db_path, "--as-at", str(first.batch_id))
    assert float(then["perm_staff_pct"]["value"]) == 70
    assert then["perm_staff_pct"]["target"] == "" and then["perm_staff_pct"]["commentary"] == ""

    before_undo = _card_csv(capsys, db_path, "--as-at", str(second.batch_id))
    assert float(before_undo["perm_staff_pct"]["value"]) == 90, "the undone figure counted until its undo"

    between = _card_csv(capsys, db_path, "--as-at", moment_between.isoformat())
    assert float(between["perm_staff_pct"]["value"]) == 70

    assert cli.main(["--db", str(db_path), "card", "--area", "Plymouth", "--as-at", "2020-01-01"]) == 2
    assert "the store's history starts at its first import" in capsys.readouterr().err


def test_the_store_point_counts_every_change_and_is_the_same_as_at_that_moment(db_path, tmp_path):
    con = store.connect(str(db_path))
    before = as_at.point(con)
    batch = ingest.import_source(con, _return(tmp_path, "r.csv", 70), actor=ADMIN).batch_id
    after = as_at.point(con)
    assert after.version == before.version + 1 and after.moment > before.moment
    moment = con.execute("SELECT imported_at FROM import_batch WHERE id = ?", [batch]).fetchone()[0]
    con.close()
    then = as_at.connect(str(db_path), moment)
    assert as_at.point(then) == after
    then.close()


@pytest.mark.parametrize("text", ["yesterday", "99999"])
def test_a_bad_as_at_is_a_sentence(db_path, capsys, text):
    assert cli.main(["--db", str(db_path), "card", "--area", "Plymouth", "--as-at", text]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and ("is not a date" in err or "there is no import batch" in err)


def test_a_pack_prints_its_store_point_and_the_command_that_makes_it_again(db_path, tmp_path):
    from scorecard.reports.content import build_pack

    def summary_lines(pack):
        return [row for group in pack.board for row in group.rows]

    con = store.connect(str(db_path))
    ingest.import_source(con, _return(tmp_path, "r.csv", 70), actor=ADMIN)
    published = build_pack(con, PLYMOUTH, TERM)
    point = published.card.store_point
    block = dict(published.officer_details())  # on the back page, in small type: not in the reader's header
    assert f"store version {point.version}" in block["Store point"]
    assert f"{point.moment:%H:%M}" in block["Store point"]
    assert "store version" not in str(published.title_block()) and "To regenerate exactly" not in dict(
        published.title_block())
    command = block["To regenerate exactly"]
    assert command.startswith(f'scorecard report --area {PLYMOUTH} --term "{TERM}" --as-at ')
    time.sleep(1.1)  # the next change lands in a later second than the pack's point
    ingest.import_source(con, _return(tmp_path, "later.csv", 90), actor=ADMIN)
    con.close()

    moment = as_at.parse(command.rsplit(" ", 1)[1], store.connect(str(db_path), read_only=True))
    then = as_at.connect(str(db_path), moment)
    again = build_pack(then, PLYMOUTH, TERM, produced=published.produced)
    assert again.card.store_point == point
    assert [r.cells() for r in summary_lines(again)] == [r.cells() for r in summary_lines(published)]
    then.close()
