"""Figures that stay honest in every output (issue 18), on the real seeded figures with the
illustrative Plymouth return and targets loaded: out-of-date figures look out of date, like is set
beside like, illustrative ratings never count as real, a region's figure is one value everywhere,
stocktake comparisons say where they cross a series break, undo and targets are safer, and the
command line keeps every area and prints the baseline."""

from __future__ import annotations

import io
import json
import shutil
from datetime import date

import pandas as pd
import pytest
from pptx import Presentation
from pypdf import PdfReader

from scorecard import (access, card, cli, ingest, inspections, local_returns, queries, sources_info, store, summary,
                       targets, words)
from scorecard.importers import SourceFile
from scorecard.register import LOCAL_ATTRIBUTION
from scorecard.reports import build_pack, render
from scorecard.text_safety import html_text
from scorecard.ui import admin, html_tables

ADMIN = access.command_line("test")
PLYMOUTH, SOUTH_WEST, TERM = "E06000026", "E12000009", "Autumn 2026/27"
DECEMBER, MARCH = date(2026, 12, 7), date(2026, 3, 1)  # after DfE's June 2026 release was due; before it
TARGETS = b"""area,metric,from_period,target,tolerance
E06000026,ehcp_20wk_pct,2020,60,2.5
E06000026,ehcp_20wk_term_pct,Autumn 2025/26,70,2.5
E06000026,ehcp_requests_6wk_pct,2020,80,2.5
E06000026,annual_reviews_on_time_pct,Autumn 2025/26,60,2.5
E06000026,complaints_on_time_pct,Autumn 2025/26,90,2
E06000026,perm_staff_pct,Autumn 2025/26,90,2
E06000026,ep_vacancies,Autumn 2025/26,2,0
E06000026,tribunal_appeal_rate_pct,2020,4,0.5
"""


@pytest.fixture(scope="module")
def prepared(seeded_template, tmp_path_factory):
    """The seeded store with the illustrative Plymouth return and eight targets (five of them on
    illustrative figures), as the issue was seen."""
    path = tmp_path_factory.mktemp("honest") / "honest.duckdb"
    shutil.copy(seeded_template, path)
    con = store.connect(str(path))
    local_returns.load_sample(con, actor=ADMIN)
    ingest.import_source(con, SourceFile("targets.csv", TARGETS), actor=ADMIN)
    con.close()
    return path


@pytest.fixture(scope="module")
def rcon(prepared):
    con = store.connect(str(prepared), read_only=True)
    yield con
    con.close()


def _row(built, metric_id):
    return next(r for r in built.rows if r.metric.id == metric_id)


def _first_page(pdf: bytes) -> str:
    return " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())


def _first_slide(pptx: bytes) -> str:
    slide = Presentation(io.BytesIO(pptx)).slides[0]
    return " ".join(" ".join(sh.text_frame.text.split()) for sh in slide.shapes if sh.has_text_frame)


# ---------------------------------------------------------------- out-of-date figures look out of date

def _publications(con, built) -> set[str]:
    ids = {r.metric.id for r in built.rows} | {r.comparator_metric.id for r in built.rows if r.comparator_metric}
    return sources_info.publications_behind(queries.sources(con), ids)


def test_an_overdue_release_is_one_plain_sentence_at_the_top_of_the_scorecard_and_each_pack(rcon):
    built = card.build(rcon, PLYMOUTH, TERM, today=DECEMBER)
    said = sources_info.overdue_sentence(queries.sources(rcon), queries.latest_periods(rcon), DECEMBER,
                                         _publications(rcon, built))
    assert said.startswith("The newest national figures here are for 2024/25.")
    assert ("DfE's June 2026 releases of education, health and care plans (2025 figures) and elective home "
            "education (2025/26 figures)") in said
    assert ("DfE's releases of suspensions and permanent exclusions in England (2023/24 to 2024/25 figures) due "
            "since July 2025") in said
    assert "have not been loaded" in said
    # In March 2026 only the exclusions release (due July 2025) is overdue: one release, one sentence.
    march = sources_info.overdue_sentence(queries.sources(rcon), queries.latest_periods(rcon), MARCH,
                                          _publications(rcon, built))
    assert march.endswith("DfE's July 2025 release of suspensions and permanent exclusions in England "
                          "(2023/24 figures) has not been loaded.")
    assert sources_info.overdue_sentence(queries.sources(rcon), queries.latest_periods(rcon), date(2025, 7, 1),
                                         _publications(rcon, built)) is None
    pack = build_pack(rcon, PLYMOUTH, TERM, produced=DECEMBER)
    assert pack.overdue == said
    assert said in _first_page(render(pack, "pdf")[0])
    assert said in _first_slide(render(pack, "pptx")[0])
    top = html_tables.top_html([], summary.totals([]), ["a line"], said)
    assert f'<div class="sc-top"><p class="sc-overdue">{html_text(said)}</p>' in top  # at the top, body size
    assert "font-size:1rem" in html_tables.STYLE.split(".sc-top p.sc-overdue")[1].split("}")[0]


def test_rows_behind_their_source_say_behind(rcon):
    december = card.build(rcon, PLYMOUTH, TERM, today=DECEMBER)
    timeliness = _row(december, "ehcp_20wk_pct")
    assert timeliness.behind == "DfE's June 2026 release (2025 figures) was due and has not been loaded"
    assert words.period(timeliness) == "2024 (behind)"
    line = next(r for g in summary.board_summary(december, "la") for r in g.rows if r.metric_id == "ehcp_20wk_pct")
    assert line.period == "2024 (behind)"
    assert '2024 <span class="sc-tag">behind</span>' in html_tables.summary_table_html(
        summary.board_summary(december, "la"), "caption")
    assert any(f.startswith("Behind: DfE's June 2026 release") for f in timeliness.flags)
    # "Mediation cases 12, calendar year 2021, ↑ up" looked current: its source holds 2024.
    march = card.build(rcon, PLYMOUTH, TERM, today=MARCH)
    mediation = _row(march, "mediation_cases")
    assert mediation.period.label == "2021" and words.period(mediation) == "2021 (behind)"
    assert mediation.behind.startswith("its source's newest figures are for calendar year 2024")
    assert _row(march, "ehcp_20wk_pct").behind is None  # before June 2026, 2024 is the newest there should be
    assert _row(march, "ehcp_20wk_term_pct").behind is None  # the newest termly return


def test_a_row_two_periods_behind_its_measure_says_so(db_path):
    """A figure more than one period older than its own measure's latest national figures is behind,
    whatever the releases: here Plymouth's 2023 and 2024 timeliness are taken out of its store."""
    con = store.connect(str(db_path))
    con.execute("UPDATE metric_value SET is_current = FALSE WHERE area_code = ? AND metric_id = 'ehcp_20wk_pct' "
                "AND period_label IN ('2023', '2024')", [PLYMOUTH])
    row = _row(card.build(con, PLYMOUTH, TERM, today=MARCH), "ehcp_20wk_pct")
    con.close()
    assert row.period.label == "2022"
    assert row.behind == ("calendar year 2024 is published for this measure, but this area's latest figure is for "
                          "calendar year 2022")


def test_inspections_say_how_far_their_data_runs(rcon):
    runs = inspections.data_runs_to(rcon)
    assert runs == date(2023, 11, 10)
    line = inspections.latest_line(rcon, PLYMOUTH)
    assert line.startswith("Latest area SEND inspection (2023 framework) in the store (Ofsted data to November 2023): ")
    statuses = sources_info.publication_status(queries.sources(rcon), DECEMBER, runs)
    ofsted = next(s for s in statuses if s.publication_id == "ofsted-area-send")
    assert ofsted.words.startswith("Ofsted (with CQC), Area SEND inspection outcomes: Ofsted data to November 2023")
    assert "published since is not shown" in ofsted.words
    assert "Ofsted data to November 2023" in build_pack(rcon, PLYMOUTH, TERM).inspection


def test_a_release_whose_month_is_not_recorded_says_what_is_known(rcon):
    lines = sources_info.latest_releases(queries.sources(rcon), queries.latest_periods(rcon), DECEMBER)
    ehe = next(line for line in lines if line.startswith("DfE, Elective home education"))
    assert "released in 2026;" in ehe and "month not recorded" not in " ".join(lines)
    table = sources_info.releases_table(queries.sources(rcon), DECEMBER)
    assert "2026" in set(table["released"]) and not table["released"].str.contains("not recorded").any()
    assert not any("not recorded" in s.words for s in sources_info.publication_status(queries.sources(rcon), DECEMBER))
    assert words.released_words("June 2025") == "in June 2025" and words.released_words("18 July 2024") == \
        "on 18 July 2024"


# ---------------------------------------------------------------- like with like

def test_a_census_count_has_no_comparable_national_figure(rcon):
    """'Children in EHE (census) 634' sat beside 175,900 children home-educated at any time in the year."""
    built = card.build(rcon, PLYMOUTH, TERM)
    ehe = _row(built, "ehe_census")
    line = next(r for g in summary.board_summary(built, "la") for r in g.rows if r.metric_id == "ehe_census")
    assert line.england == line.neighbours == "no comparable national figure"
    assert "175,900" not in " ".join(line.cells()) and "175,900" not in words.sentence(ehe, "Plymouth")
    assert "There is no comparable national figure" in words.sentence(ehe, "Plymouth")


def test_a_refusal_rate_beside_a_large_withdrawn_share_is_not_comparable(rcon):
    """Plymouth's 0.1% refused sat at 148th of 151 although 38.4% of its requests were withdrawn."""
    row = _row(card.build(rcon, PLYMOUTH, TERM), "ehcp_requests_refused_pct")
    assert row.rank_caveat == "38.4% of its requests were withdrawn, far above England's 1.6%"
    assert words.position(row) == "143rd of 146 (1 = highest); not comparable"  # flagged; the sentence says why
    assert "That rank is not comparable with other areas': 38.4% of its requests were withdrawn" in \
        words.sentence(row, "Plymouth")
    others = _row(card.build(rcon, "E06000052", TERM), "ehcp_requests_refused_pct")  # Cornwall: an ordinary share
    assert others.rank_caveat is None and "not comparable" not in words.position(others)


# ---------------------------------------------------------------- illustrative figures never count as real

def test_ratings_on_illustrative_figures_are_counted_apart(rcon):
    built = card.build(rcon, PLYMOUTH, TERM)
    total = summary.totals(summary.board_summary(built, "la"))
    assert total.counts == {"Red": 3, "Amber": 0, "Green": 0}  # the three published measures' ratings
    assert total.illustrative_rated == 5
    assert total.counts_words.endswith("; plus 5 rated on illustrative figures")
    assert "Against local targets: 3 red, 0 amber, 0 green" in words.summary(built)[0]
    assert "plus 5 rated on illustrative figures" in html_tables.glance_html([], total)
    pack = build_pack(rcon, PLYMOUTH, TERM)
    assert pack.illustrative_notice.startswith("Illustrative figures are present: ")
    assert "The 5 ratings on them are counted apart from the area's own." in pack.illustrative_notice
    first = _first_page(render(pack, "pdf")[0])
    assert "Illustrative figures are present" in first and "plus 5 rated on illustrative figures" in first
    slide = _first_slide(render(pack, "pptx")[0])
    assert "Illustrative figures are present" in slide and "plus 5 rated on illustrative figures" in slide


# ---------------------------------------------------------------- one figure, one value

def test_a_regions_figure_is_the_same_wherever_it_appears(prepared, rcon, capsys):
    plymouth = _row(card.build(rcon, PLYMOUTH, TERM), "tribunal_appeal_rate_pct")
    region = _row(card.build(rcon, SOUTH_WEST, TERM), "tribunal_appeal_rate_pct")
    assert region.value == pytest.approx(plymouth.region) and region.period == plymouth.comparator_period
    assert region.numerator == 2359 and region.denominator == 68315
    assert words.figure(region) == "3.5%: 2,359 of 68,315"
    assert any("No regional figure is published: calculated from 15 of 15 local authorities" in f for f in region.flags)
    assert cli.main(["--db", str(prepared), "show", "--metric", "tribunal_appeal_rate_pct", "--area", "South West",
                     "--format", "json"]) == 0
    shown = {r["period"]: r for r in json.loads(capsys.readouterr().out)}
    assert shown["2024"]["value"] == round(plymouth.region, 1) and shown["2024"]["status"] == "computed"


# ---------------------------------------------------------------- stocktake

def test_a_termly_baseline_comes_from_the_nearest_term_and_a_break_is_flagged(rcon):
    built = card.build(rcon, PLYMOUTH, TERM, baseline="2024")
    termly = _row(built, "ehcp_20wk_term_pct")
    assert termly.baseline_period == "Spring 2024/25" and termly.baseline == 34.7
    assert words.baseline(termly) == "34.7% (Spring 2024/25, the nearest term to the baseline, calendar year 2024)"
    assert words.change_since_baseline(termly) == "up 32.0 points"
    assert _row(card.build(rcon, PLYMOUTH, TERM, baseline="2021"), "ehcp_20wk_term_pct").baseline_period is None
    crossing = _row(card.build(rcon, PLYMOUTH, TERM, baseline="2022"), "ehcp_20wk_pct")
    assert crossing.baseline_break == "the series break at 2023"
    assert words.change_since_baseline(crossing) == "down 44.1 points (across the series break at 2023: not strictly " \
                                                    "comparable)"
    assert any(f.startswith("The change since the baseline crosses the series break at 2023") for f in crossing.flags)
    assert _row(card.build(rcon, PLYMOUTH, TERM, baseline="2023"), "ehcp_20wk_pct").baseline_break is None


# ---------------------------------------------------------------- safer hands

def test_undo_says_what_it_removes_and_the_command_line_asks(db_path, capsys):
    con = store.connect(str(db_path))
    batch = ingest.import_source(con, SourceFile("targets.csv", TARGETS), actor=ADMIN).batch_id
    said = ingest.describe_batch(con, batch)
    con.close()
    assert said.startswith(f"batch {batch}: 8 targets for Plymouth, and every rating that rests on them, imported by ")
    assert said.endswith("(targets.csv)") and " on " in said
    assert cli.main(["--db", str(db_path), "undo", str(batch)]) == 1  # no terminal to ask, and no --yes
    out, err = capsys.readouterr()
    assert f"Undo {said}?" in out and f"Nothing undone: re-run with --yes to undo batch {batch}" in err
    con = store.connect(str(db_path), read_only=True)
    assert queries.batches(con).set_index("batch").loc[batch, "status"] == "committed"
    con.close()
    assert cli.main(["--db", str(db_path), "undo", str(batch), "--yes"]) == 0
    con = store.connect(str(db_path), read_only=True)
    assert queries.batches(con).set_index("batch").loc[batch, "status"] == "undone"
    con.close()


def test_a_measure_is_found_by_its_short_name_as_well_as_its_full_name(rcon):
    metrics = card.metrics_from_store(rcon)
    label = words.measure_choice(metrics["complaints_on_time_pct"])
    assert label == "Complaints answered on time (SEND complaints responded to within timescale)"
    assert words.measure_choice(metrics["mediation_cases"]).startswith("Mediation cases (Mediation cases held")


def test_two_targets_never_both_run_on_for_one_measure(con):
    save = {"area_code": PLYMOUTH, "metric_id": "ehcp_20wk_term_pct", "period_label": None, "to_period": None,
            "tolerance": 0.0, "baseline_period": None}
    targets.save_targets(con, [{**save, "from_period": "Spring 2024/25", "target": 50.0}], actor=ADMIN)
    metrics = card.metrics_from_store(con)
    said = admin.set_target(con, PLYMOUTH, admin.target_form_row("range", "ehcp_20wk_term_pct", 70, 2.5,
                                                                 from_period="Autumn 2025/26"), ADMIN, metrics)
    assert said.endswith("To keep one target for each period, the target from Spring 2024/25 onwards now ends at "
                         "Summer 2024/25.")
    current = targets.targets_for(con, PLYMOUTH)
    mine = current[current["metric_id"] == "ehcp_20wk_term_pct"][["from_period", "to_period", "target"]]
    assert mine.fillna("").values.tolist() == [["Autumn 2025/26", "", 70.0], ["Spring 2024/25", "Summer 2024/25", 50.0]]
    frame = targets.targets_for(con, PLYMOUTH)
    from scorecard.periods import parse

    assert targets.target_for(frame, "ehcp_20wk_term_pct", parse("Summer 2024/25")).target == 50.0
    assert targets.target_for(frame, "ehcp_20wk_term_pct", parse("Summer 2025/26")).target == 70.0
    assert targets.target_for(frame, "ehcp_20wk_term_pct", parse("Autumn 2026/27")).target == 70.0
    # A range inside another is refused, naming both; nothing changes.
    with pytest.raises(admin.TargetFormError, match="already applies from Autumn 2025/26 onwards, which overlaps "
                                                    "from Spring 2026/27 to Summer 2026/27"):
        admin.set_target(con, PLYMOUTH, admin.target_form_row("range", "ehcp_20wk_term_pct", 60, 0,
                                                              from_period="Spring 2026/27",
                                                              to_period="Summer 2026/27"), ADMIN, metrics)
    assert len(targets.targets_for(con, PLYMOUTH)) == len(current)


def test_a_targets_file_with_two_overlapping_targets_is_refused_by_row(con):
    text = (b"area,metric,from_period,to_period,target,tolerance\n"
            b"E06000026,ehcp_20wk_pct,2020,,60,0\nE06000026,ehcp_20wk_pct,2023,2024,50,0\n")
    with pytest.raises(ingest.ImportFailure) as refused:
        ingest.import_source(con, SourceFile("targets.csv", text), actor=ADMIN)
    assert "row 3" in str(refused.value) and "overlaps the target in row 2" in str(refused.value)
    assert targets.targets_for(con, PLYMOUTH).empty


def test_a_local_returns_figures_are_the_councils_own(rcon):
    src = queries.sources(rcon)
    local = src[src["publication_id"] == "local-return"].iloc[0]
    assert local["attribution"].startswith(LOCAL_ATTRIBUTION) and "Open Government" not in local["attribution"]
    assert LOCAL_ATTRIBUTION == "Local figures: check with the council before publishing."
    pack = build_pack(rcon, PLYMOUTH, TERM)
    row = pack.sources[pack.sources["publisher"] == "Local authority"].iloc[0]
    assert row["attribution"].startswith(LOCAL_ATTRIBUTION)


# ---------------------------------------------------------------- command line

def test_show_keeps_every_area_given(prepared, capsys):
    assert cli.main(["--db", str(prepared), "show", "--metric", "ehcp_20wk_pct", "--area", "Plymouth", "--area",
                     "Cornwall", "--format", "json"]) == 0
    assert {r["area_name"] for r in json.loads(capsys.readouterr().out)} == {"Plymouth", "Cornwall"}


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_card_prints_the_baseline_comparison_in_every_format(prepared, capsys, fmt):
    assert cli.main(["--db", str(prepared), "card", "--area", "Plymouth", "--term", TERM, "--baseline", "2022",
                     "--format", fmt]) == 0
    out = capsys.readouterr().out
    if fmt == "table":
        assert "Since the baseline, calendar year 2022:" in out
        assert ("EHC plans issued within 20 weeks: 50.1% (2022) -> 6.0%: 24 of 403; down 44.1 points (across the "
                "series break at 2023: not strictly comparable)") in out
        return
    rows = json.loads(out) if fmt == "json" else pd.read_csv(io.StringIO(out)).to_dict("records")
    timeliness = next(r for r in rows if r["metric"] == "ehcp_20wk_pct")
    assert timeliness["baseline"] == pytest.approx(50.1) and str(timeliness["baseline_period"]) == "2022"
    assert timeliness["change_since_baseline"] == pytest.approx(-44.1)
    assert timeliness["baseline_break"] == "the series break at 2023"
    assert timeliness["change_since_baseline_words"].startswith("down 44.1 points (across the series break")
