"""The dashboard's charts and their tables, built from the real seeded figures, without Streamlit."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from scorecard import card, charts, hexmap, local_returns, queries, targets
from scorecard.areas import AreaIndex
from scorecard.comparators import neighbour_map
from scorecard.importers import ImportContext, targets_csv
from scorecard.register import metrics_from_store
from scorecard.tables import metric_table

PLYMOUTH, CUMBERLAND, SCILLY, CITY, ENGLAND = "E06000026", "E06000063", "E06000053", "E09000001", "E92000001"
TITLE_2024 = ("Plymouth issued 6.0% of new EHC plans within 20 weeks in 2024, down from 17.8% in 2023 and below "
              "England (46.4%)")


@pytest.fixture
def metrics(con):
    return metrics_from_store(con)


@pytest.fixture
def timeliness(con, metrics):
    return metric_table(con, metrics["ehcp_20wk_pct"])


def trend(con, metrics, table, code, metric_id="ehcp_20wk_pct"):
    area = AreaIndex.from_store(con).get(code)
    metric = metrics[metric_id]
    national = metrics.get(metric.national_equivalent) if not metric.national else None
    return area, charts.trend_frame(table, area, metric, metric_table(con, national) if national else None, national)


def plain(title: str) -> str:
    return title.replace("<br>", " ")


def test_trend_title_states_the_finding_with_real_numbers(con, metrics, timeliness):
    area, frame = trend(con, metrics, timeliness, PLYMOUTH)
    assert charts.trend_title(frame, metrics["ehcp_20wk_pct"], area.name) == TITLE_2024
    _, england = trend(con, metrics, timeliness, ENGLAND)
    assert charts.trend_title(england, metrics["ehcp_20wk_pct"], "England") == (
        "England issued 46.4% of new EHC plans within 20 weeks in 2024, down from 50.3% in 2023")


def test_trend_chart_has_at_most_four_series_in_the_palette(con, metrics, timeliness):
    area, frame = trend(con, metrics, timeliness, PLYMOUTH)
    fig = charts.trend_chart(frame, metrics["ehcp_20wk_pct"], TITLE_2024)
    names = [t.name for t in fig.data]
    assert names == ["Plymouth", "England", "South West", "Statistical neighbours (mean)"]
    assert {t.line.color for t in fig.data} <= set(charts.PALETTE)
    assert len({(t.line.color, t.line.dash, t.marker.symbol) for t in fig.data}) == 4  # not told apart by colour alone
    assert plain(fig.layout.title.text) == TITLE_2024
    plymouth = fig.data[0]
    assert list(plymouth.y)[-2:] == [17.8, 6.0]
    with pytest.raises(ValueError, match="at most 4"):
        extra = frame[frame["role"] == "england"].assign(series="Another", role="region")
        charts.trend_chart(pd.concat([frame, extra]), metrics["ehcp_20wk_pct"], "too many")


def test_missing_figures_are_annotated_with_the_reason(con, metrics, timeliness):
    area, frame = trend(con, metrics, timeliness, CITY)
    metric = metrics["ehcp_20wk_pct"]
    title = charts.trend_title(frame, metric, area.name)
    assert title == ("City of London has no published figure for EHC plans issued within 20 weeks in 2024: not "
                     "available; the latest figure is 100.0% in 2023")
    fig = charts.trend_chart(frame, metric, title)
    missing = {a.text for a in fig.layout.annotations if a.name == "missing"}
    assert missing == {"not available", "not applicable"}  # 2024 and 2017
    assert "no figure for" in charts.trend_description(frame, metric).lower()


def test_series_break_and_boundary_change_are_marked(con, metrics, timeliness):
    area, frame = trend(con, metrics, timeliness, CUMBERLAND)
    plymouth = frame[frame["role"] == "area"]
    assert list(plymouth["period"]) == ["2023", "2024"]  # Cumbria's figures are not mixed in
    boundary = (area.valid_from, "Cumberland formed April 2023 from Cumbria")
    fig = charts.trend_chart(frame, metrics["ehcp_20wk_pct"], "t", queries.series_breaks(con, "ehcp_20wk_pct"),
                             boundary)
    shapes = {s.name for s in fig.layout.shapes}
    assert {"series_break", "boundary_change"} <= shapes
    texts = {a.text for a in fig.layout.annotations}
    assert {"Series break 2023", "Cumberland formed April 2023 from Cumbria"} <= texts


def test_target_line_is_drawn_when_a_target_is_set(con, metrics, timeliness):
    rows, problems = targets_csv.check_rows(ImportContext.from_store(con), [{"metric": "ehcp_20wk_pct", "target": "50", "tolerance": "0"}],
                                        "targets.csv", area_code=PLYMOUTH)
    assert not problems
    targets.save_targets(con, rows, "test")
    area, frame = trend(con, metrics, timeliness, PLYMOUTH)
    points = charts.target_points(frame, targets.targets_for(con, PLYMOUTH), "ehcp_20wk_pct")
    assert set(points["target"]) == {50.0}
    fig = charts.trend_chart(frame, metrics["ehcp_20wk_pct"], "t", target=points)
    line = [s for s in fig.layout.shapes if s.name == "target"]
    assert len(line) == 1 and line[0].y0 == line[0].y1 == 50.0
    assert "Target 50.0%" in {a.text for a in fig.layout.annotations}
    no_target = charts.trend_chart(frame, metrics["ehcp_20wk_pct"], "t")
    assert not [s for s in no_target.layout.shapes if s.name == "target"]


def test_local_metric_shows_its_national_comparator_with_its_own_period(con, metrics):
    local_returns.load_sample(con)
    table = metric_table(con, metrics["ehcp_20wk_term_pct"])
    area, frame = trend(con, metrics, table, PLYMOUTH, "ehcp_20wk_term_pct")
    assert list(dict.fromkeys(frame["series"])) == [
        "Plymouth (illustrative figures, termly)", "Plymouth (published, calendar year)",
        "England (published, calendar year)"]
    title = charts.trend_title(frame, metrics["ehcp_20wk_term_pct"], area.name)
    assert title == ("Plymouth issued 66.7% of new EHC plans within 20 weeks in Autumn term 2026/27, up from 61.4% "
                     "in Summer term 2025/26; England 46.4% in 2024 (published, calendar year)")
    ees = charts.trend_ees(frame)
    assert list(ees.columns) == charts.EES_COLUMNS + ["ehcp_20wk_term_pct", "ehcp_20wk_pct"]
    autumn = ees[(ees["time_period"] == "202627") & (ees["time_identifier"] == "Autumn term")]
    assert autumn["ehcp_20wk_term_pct"].tolist() == [66.7]
    national = ees[(ees["geographic_level"] == "National") & (ees["time_period"] == "2024")]
    assert national["ehcp_20wk_pct"].tolist() == [46.4] and national["ehcp_20wk_term_pct"].tolist() == [""]


def test_counts_are_compared_with_neighbours_not_england_totals(con, metrics):
    table = metric_table(con, metrics["ehcp_requests"])
    area, frame = trend(con, metrics, table, PLYMOUTH, "ehcp_requests")
    assert set(frame["role"]) == {"area", "neighbours"}
    assert charts.trend_title(frame, metrics["ehcp_requests"], area.name) == (
        "Plymouth received 1,176 requests for an EHC needs assessment in 2024, up from 895 in 2023 and above its "
        "statistical neighbours' mean (801)")


def test_trend_csv_is_in_the_ees_layout(con, metrics, timeliness):
    _, frame = trend(con, metrics, timeliness, PLYMOUTH)
    ees = charts.trend_ees(frame)
    assert list(ees.columns[:8]) == ["time_period", "time_identifier", "geographic_level", "country_code",
                                     "region_code", "new_la_code", "old_la_code", "la_name"]
    y2024 = ees[ees["time_period"] == "2024"].set_index("geographic_level")
    assert y2024.loc["Local authority", "ehcp_20wk_pct"] == 6.0
    assert y2024.loc["Local authority", "old_la_code"] == "879"
    assert y2024.loc["Local authority", "ehcp_20wk_pct_sn_mean"] == pytest.approx(48.45)
    assert y2024.loc["National", "ehcp_20wk_pct"] == 46.4
    assert y2024.loc["Regional", "region_code"] == "E12000009"
    assert (ees["time_identifier"] == "Calendar year").all()
    _, city = trend(con, metrics, timeliness, CITY)
    city_rows = charts.trend_ees(city)
    mine = city_rows[(city_rows["geographic_level"] == "Local authority")].set_index("time_period")
    assert mine.loc["2024", "ehcp_20wk_pct"] == "x" and mine.loc["2017", "ehcp_20wk_pct"] == "z"


@pytest.mark.parametrize("label,kind,expected", [
    ("2024", "calendar_year", ("2024", "Calendar year")),
    ("2024/25", "academic_year", ("202425", "Academic year")),
    ("Autumn 2026/27", "term", ("202627", "Autumn term")),
    ("January 2025", "census_date", ("2025", "January")),
    ("FY 2024-25", "financial_year", ("202425", "Financial year")),
])
def test_ees_periods(label, kind, expected):
    assert charts.ees_period(label, kind) == expected


def test_trend_table_reads_in_words(con, metrics, timeliness):
    _, frame = trend(con, metrics, timeliness, PLYMOUTH)
    table = charts.trend_table(frame, metrics["ehcp_20wk_pct"]).set_index("Period")
    assert table.loc["2024", "Plymouth"] == "6.0%"
    assert table.loc["2014", "Plymouth"] == "no figure: not applicable"
    assert table.loc["2024", "Statistical neighbours (mean)"] == "48.5% (mean of 10 of 10)"


def plymouth_ranking(con, metrics, timeliness):
    index = AreaIndex.from_store(con)
    ranked = charts.ranking_frame(timeliness, "2024", metrics["ehcp_20wk_pct"], {a.code for a in index.current_las()})
    links = neighbour_map(queries.neighbour_links(con))
    near = list(links[links["area_code"] == PLYMOUTH].sort_values("rank")["neighbour_code"])
    return index, ranked, near


def test_ranking_highlights_the_area_and_neighbours_and_draws_england(con, metrics, timeliness):
    index, ranked, near = plymouth_ranking(con, metrics, timeliness)
    metric = metrics["ehcp_20wk_pct"]
    mine = ranked[ranked["area_code"] == PLYMOUTH].iloc[0]
    assert (mine["rank"], mine["rank_of"], mine["band"]) == (145, 149, "D")
    title = charts.ranking_title(ranked, metric, index.get(PLYMOUTH), 46.4, "2024", "calendar_year")
    assert title == ("Plymouth ranks 145th of 149 local authorities on EHC plans issued within 20 weeks in 2024 "
                     "(6.0%; England 46.4%)")
    fig = charts.ranking_chart(ranked, metric, title, PLYMOUTH, near, 46.4)
    by_name = {t.name: t for t in fig.data}
    assert set(by_name) == {"Other local authorities", "Statistical neighbours", "Plymouth"}
    assert list(by_name["Plymouth"].y) == [6.0] and len(by_name["Statistical neighbours"].y) == 10
    assert sum(len(t.y) for t in fig.data) == 151
    assert {t.marker.color for t in fig.data} <= set(charts.PALETTE)
    england = [s for s in fig.layout.shapes if s.name == "england"]
    assert len(england) == 1 and england[0].y0 == 46.4
    assert "England 46.4%" in {a.text for a in fig.layout.annotations}
    bands = {a.text for a in fig.layout.annotations if a.name == "band"}
    assert bands == {"A (best quarter)", "B (second quarter)", "C (third quarter)", "D (worst quarter)"}
    ranked_rows = ranked[ranked["rank"].notna()]
    assert list(ranked_rows["value"]) == sorted(ranked_rows["value"], reverse=True)  # best first
    small = ranked[ranked["small_numbers"] & ranked["value"].notna()]
    assert len(small) and small["rank"].isna().all() and set(small["band_words"]) == {"no band: small numbers"}


def test_ranking_of_an_area_without_a_figure_and_of_a_context_metric(con, metrics, timeliness):
    index, ranked, _ = plymouth_ranking(con, metrics, timeliness)
    title = charts.ranking_title(ranked, metrics["ehcp_20wk_pct"], index.get(CITY), 46.4, "2024", "calendar_year")
    assert title == ("City of London has no figure for EHC plans issued within 20 weeks in 2024 (not available); "
                     "local authorities ranged from 3.2% to 100.0%; England 46.4%")
    no_figure = ranked[ranked["value"].isna()]
    assert list(no_figure["area_name"]) == ["City of London", "Dorset"]  # last, with the reason
    assert set(no_figure["value_words"]) == {"no figure: not available"} and no_figure["band"].isna().all()
    requests = charts.ranking_frame(metric_table(con, metrics["ehcp_requests"]), "2024", metrics["ehcp_requests"])
    fig = charts.ranking_chart(requests, metrics["ehcp_requests"], "t", PLYMOUTH)
    assert not [a for a in fig.layout.annotations if a.name == "band"]  # context metrics have no quartile bands
    # A count is not ranked or banded against other areas: bigger areas have more.
    assert requests["rank"].isna().all() and requests["band"].isna().all()
    assert requests.iloc[0]["band_words"] == "no band: a count, not compared across areas (bigger areas have more)"
    assert charts.ranking_title(requests, metrics["ehcp_requests"], index.get(PLYMOUTH), None, "2024",
                                "calendar_year") == (
        "Plymouth: assessment requests received in 2024 was 1,176 (a count, not ranked against other areas)")


def test_hexmap_covers_the_153_current_las_once_each(con):
    hexes = hexmap.load()
    current = {a.code for a in AreaIndex.from_store(con).current_las()}
    assert len(current) == 153 and set(hexes) == current
    cells = [(h["q"], h["r"]) for h in hexes.values()]
    assert len(set(cells)) == len(cells)
    # Split authorities sit side by side.
    for a, b in (("E06000061", "E06000062"), ("E06000063", "E06000064")):
        assert (hexes[b]["q"], hexes[b]["r"]) in hexmap.neighbours(hexes[a]["q"], hexes[a]["r"])


def test_committed_hexmap_is_what_the_code_builds():
    if not hexmap.SOURCE.exists():
        pytest.skip(f"needs the raw hexjson {hexmap.SOURCE}")
    source = json.loads(hexmap.SOURCE.read_text(encoding="utf-8"))
    built = hexmap.build(source, hexmap.read_changes())
    assert hexmap.dumps(built) == hexmap.HEXJSON.read_text(encoding="utf-8")
    assert "E10000021" in source["hexes"] and "E10000021" not in built["hexes"]
    notice = (hexmap.HEXJSON.parent / "NOTICE-odileeds-hexmaps.txt").read_text()
    assert "MIT License" in notice and "Copyright (c) 2017- Open Innovations" in notice


def test_hex_chart_labels_every_hex_with_its_band(con, metrics, timeliness):
    index, ranked, _ = plymouth_ranking(con, metrics, timeliness)
    metric = metrics["ehcp_20wk_pct"]
    title = charts.hex_title(ranked, metric, index.get(PLYMOUTH), "2024", "calendar_year")
    assert title == "Plymouth is in band D (worst quarter) for EHC plans issued within 20 weeks in 2024"
    fig = charts.hex_chart(hexmap.load(), ranked, metric, title, PLYMOUTH)
    labels = next(t for t in fig.data if t.name == "labels")
    assert len(labels.text) == 153
    by_hover = dict(zip([h.split(":")[0] for h in labels.hovertext], labels.text))
    assert by_hover["Plymouth"] == "D" and by_hover["City of London"] == "–"
    assert any(h.startswith("Plymouth: 6.0%<br>145th of 149; band D (worst quarter)") for h in labels.hovertext)
    legend = {t.name for t in fig.data if t.showlegend is not False}
    assert legend == {"A (best quarter)", "B (second quarter)", "C (third quarter)", "D (worst quarter)", "No figure"}
    fills = {t.fillcolor for t in fig.data if t.fill == "toself"}
    assert fills - {"#FFFFFF"} == set(charts.BAND_COLOURS.values())
    assert "small numbers, not banded: 2; no figure: 2" in charts.hex_description(ranked, metric, 153)


def test_ranking_csv_is_in_the_ees_layout(con, metrics, timeliness):
    _, ranked, _ = plymouth_ranking(con, metrics, timeliness)
    england = timeliness[(timeliness["area_code"] == ENGLAND) & (timeliness["period"] == "2024")]
    ees = charts.ranking_ees(ranked, metrics["ehcp_20wk_pct"], england)
    assert list(ees.columns) == charts.EES_COLUMNS + ["ehcp_20wk_pct", "rank", "rank_of", "quartile_band"]
    assert ees.iloc[0]["geographic_level"] == "National" and ees.iloc[0]["ehcp_20wk_pct"] == 46.4
    assert len(ees) == 1 + 153
    rows = ees.set_index("la_name")
    assert rows.loc["Plymouth", ["ehcp_20wk_pct", "rank", "rank_of", "quartile_band"]].tolist() == [6.0, 145, 149, "D"]
    assert rows.loc["City of London", "ehcp_20wk_pct"] == "x" and rows.loc["City of London", "quartile_band"] == ""


def test_a_national_count_is_not_drawn_as_a_comparator(con, metrics):
    starts = metrics["ehe_starts"]
    table = metric_table(con, starts)
    ranked = charts.ranking_frame(table, "2024/25", starts)
    fig = charts.ranking_chart(ranked, starts, "t", PLYMOUTH, [], 78000.0)
    assert not [s for s in fig.layout.shapes if s.name == "england"]
    assert max(max(t.y) for t in fig.data) < 78000
    title = charts.ranking_title(ranked, starts, AreaIndex.from_store(con).get(PLYMOUTH), 78000.0, "2024/25",
                                 "academic_year")
    assert title.endswith("in 2024/25 was 520 (a count, not ranked against other areas); England total 78,000")
