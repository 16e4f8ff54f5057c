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


# ---------------------------------------------------------------------------------------------
# An --as-at pack is exactly reproducible: what shapes it is read as at its point (issue 17)

def _pdf_text(path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def _plan(con, titles: tuple[str, str] | None = None, theme_title: str | None = None) -> None:
    """Set Plymouth's priority areas (two, by title), and rename its first theme, as the board does."""
    from dataclasses import replace

    from scorecard import board_setup, priorities
    from scorecard.register import metrics_from_store

    metrics = metrics_from_store(con)
    if titles:
        priorities.save(con, PLYMOUTH, [priorities.Priority(1, titles[0], ["ehcp_20wk_pct", "perm_staff_pct"]),
                                        priorities.Priority(2, titles[1], ["tribunal_appeal_rate_pct"])],
                        set(metrics), actor=ADMIN)
    if theme_title:
        themes = board_setup.register_themes(con)
        themes[0] = replace(themes[0], title=theme_title)
        board_setup.save(con, PLYMOUTH, themes, [], metrics, actor=ADMIN)


def _wait_past(point) -> None:
    """Until the wall clock is past the second the pack's --as-at names (changes after it are later)."""
    from datetime import datetime, timedelta

    while datetime.now() <= point.moment.replace(microsecond=0) + timedelta(seconds=1):
        time.sleep(0.05)


def test_a_pack_made_again_with_its_printed_command_is_the_same_after_the_plan_and_themes_change(
        db_path, tmp_path, capsys):
    """Two packs, one grouped by the board's themes (one renamed) and one by its priority areas; then the
    board renames the theme again and changes its priority areas. Each pack's printed command makes it
    again, word for word."""
    import shlex

    from scorecard.reports.content import build_pack

    con = store.connect(str(db_path))
    ingest.import_source(con, _return(tmp_path, "r.csv", 70), actor=ADMIN)
    published = []
    for step, (titles, theme) in enumerate([(None, "Timeliness as the board calls it"),
                                            (("Timeliness first", "Fewer appeals"), None)]):
        _plan(con, titles, theme)
        pack = build_pack(con, PLYMOUTH, TERM)
        con.close()
        out = tmp_path / f"published-{step}.pdf"
        assert cli.main(["--db", str(db_path), "report", "--area", PLYMOUTH, "--term", TERM, "--out", str(out)]) == 0
        published.append((out, dict(pack.officer_details())["To regenerate exactly"]))
        _wait_past(pack.card.store_point)
        con = store.connect(str(db_path))
    _plan(con, ("Appeals now come first", "Timeliness later"), "A renamed theme")
    con.close()

    texts = [_pdf_text(out) for out, _ in published]
    assert "Timeliness as the board calls it" in texts[0] and "Timeliness first" not in texts[0]
    assert "Timeliness first" in texts[1]
    for step, (out, command) in enumerate(published):
        again = tmp_path / f"again-{step}.pdf"
        argv = shlex.split(command)
        assert argv[0] == "scorecard"
        assert cli.main(["--db", str(db_path), *argv[1:], "--out", str(again)]) == 0
        assert _pdf_text(again) == texts[step]  # the same pack, word for word (the day it is produced included)
    capsys.readouterr()

    now = _pdf_text(tmp_path / "now.pdf") if cli.main(  # not vacuous: the pack made now shows the changes
        ["--db", str(db_path), "report", "--area", PLYMOUTH, "--term", TERM, "--out", str(tmp_path / "now.pdf")]) == 0 \
        else ""
    assert "Appeals now come first" in now and "Timeliness first" not in now


def test_a_register_change_after_the_point_does_not_change_the_pack_as_at_it(db_path, tmp_path):
    """The register the store was built with is read as at the point too (a changed polarity moves ranks)."""
    from scorecard.register import metrics_from_store

    con = store.connect(str(db_path))
    ingest.import_source(con, _return(tmp_path, "r.csv", 70), actor=ADMIN)
    point = as_at.point(con)
    assert metrics_from_store(con)["ehcp_20wk_pct"].polarity == "higher"
    _wait_past(point)
    with store.transaction(con):  # as `scorecard init` brings in an edited data/metrics.toml
        from dataclasses import replace

        from scorecard import register

        changed = [replace(m, polarity="lower") if m.id == "ehcp_20wk_pct" else m
                   for m in register.load_register()]
        register.sync_to_store(con, changed)
    assert metrics_from_store(con)["ehcp_20wk_pct"].polarity == "lower"
    con.close()
    then = as_at.connect(str(db_path), as_at.parse(point.as_at_argument(), store.connect(str(db_path),
                                                                                         read_only=True)))
    assert metrics_from_store(then)["ehcp_20wk_pct"].polarity == "higher"
    assert as_at.point(then) == point
    then.close()


def test_a_point_before_the_store_kept_its_plan_says_so_plainly(db_path, tmp_path, backend):
    from scorecard.reports.content import build_pack

    if backend == "ducklake":
        pytest.skip("a DuckLake is read at its own snapshot of the moment, plan and all: nothing to say")

    con = store.connect(str(db_path))
    first = ingest.import_source(con, _return(tmp_path, "r.csv", 70), actor=ADMIN).batch_id
    _plan(con, ("Timeliness first", "Fewer appeals"), "Timeliness as the board calls it")
    # As a store made before migration 10 would be: its history of the plan starts after the point asked for.
    con.execute("UPDATE plan_saved SET saved_at = now()::TIMESTAMP + INTERVAL 1 SECOND WHERE kind = 'history starts'")
    assert build_pack(con, PLYMOUTH, TERM).not_as_at == []
    con.close()
    then = as_at.connect(str(db_path), as_at.parse(str(first), store.connect(str(db_path), read_only=True)))
    pack = build_pack(then, PLYMOUTH, TERM)
    then.close()
    assert len(pack.not_as_at) == 1 and "when this store began keeping their history" in pack.not_as_at[0]
    assert dict(pack.officer_details())["Not as at that point"] == pack.not_as_at[0]


def test_a_small_numbers_threshold_other_than_the_registers_then_is_said(db_path):
    from scorecard import plan_history
    from scorecard.register import settings

    con = store.connect(str(db_path))
    now = settings().small_number_threshold
    assert plan_history.caveats(con, now) == []
    said = plan_history.caveats(con, now + 5)
    assert len(said) == 1 and f"below {now + 5}" in said[0] and f"its register set {now}" in said[0]
    con.close()
