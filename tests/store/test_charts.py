"""The dashboard's charts, their tables and CSVs, built from the real seeded figures, without Streamlit:
findings with real numbers, the palette's roles, hollow small-number points, axes at 4.5:1, year ticks
that thin out, no band for counts or small numbers, and figures rounded as they are shown."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from scorecard import hexmap, local_returns, palette, queries, rag, targets, words
from scorecard.areas import AreaIndex
from scorecard.charts import hexmap_chart, ranking, style, trend
from scorecard.comparators import neighbour_map
from scorecard.ees_export import EES_COLUMNS, ees_period, ranking_ees, trend_ees
from scorecard.importers import ImportContext, targets_csv
from scorecard.register import metrics_from_store
from scorecard.tables import metric_table

from scorecard import access  # noqa: E402

ADMIN = access.command_line("test")

PLYMOUTH, CUMBERLAND, SCILLY, CITY, ENGLAND = "E06000026", "E06000063", "E06000053", "E09000001", "E92000001"
TITLE_2024 = ("Plymouth issued 6.0% (24 of 403) of new EHC plans within 20 weeks in 2024, down from 17.8% in 2023 and "
              "below England (46.4%)")


@pytest.fixture
def metrics(con):
    return metrics_from_store(con)


@pytest.fixture
def timeliness(con, metrics):
    return metric_table(con, metrics["ehcp_20wk_pct"])


def trend_of(con, metrics, table, code, metric_id="ehcp_20wk_pct"):
    area = AreaIndex.from_store(con).get(code)
    metric = metrics[metric_id]
    national = metrics.get(metric.national_equivalent) if not metric.national else None
    return area, trend.trend_frame(table, area, metric, metric_table(con, national) if national else None, national)


def test_trend_title_states_the_finding_with_real_numbers_and_counts(con, metrics, timeliness):
    area, frame = trend_of(con, metrics, timeliness, PLYMOUTH)
    assert words.trend_title(frame, metrics["ehcp_20wk_pct"], area.name) == TITLE_2024
    _, england = trend_of(con, metrics, timeliness, ENGLAND)
    assert words.trend_title(england, metrics["ehcp_20wk_pct"], "England").startswith(
        "England issued 46.4% (")
    assert words.trend_title(england, metrics["ehcp_20wk_pct"], "England").endswith(
        "of new EHC plans within 20 weeks in 2024, down from 50.3% in 2023")


def test_trend_chart_draws_each_role_in_the_palettes_style_and_no_title_inside(con, metrics, timeliness):
    _, frame = trend_of(con, metrics, timeliness, PLYMOUTH)
    fig = trend.trend_chart(frame, metrics["ehcp_20wk_pct"])
    names = [t.name for t in fig.data]
    assert names == ["Plymouth", "England", "South West", "Statistical neighbours (mean)"]
    for t, role in zip(fig.data, ["area", "england", "region", "neighbours"]):
        style_of = palette.SERIES[role]
        assert (t.line.color, t.line.dash, t.marker.symbol) == (style_of.colour, style_of.dash, style_of.marker)
    england = fig.data[1]
    assert england.line.color == palette.DARK_GREY and england.line.dash == "dash"  # as in the packs
    assert not {t.line.color for t in fig.data} & set(rag.COLOURS.values())  # RAG colours never a series
    assert not fig.layout.title.text  # the page prints the finding, where it wraps
    assert list(fig.data[0].y)[-2:] == [17.8, 6.0]
    with pytest.raises(ValueError, match="at most 4"):
        extra = frame[frame["role"] == "england"].assign(series="Another", role="region")
        trend.trend_chart(pd.concat([frame, extra]), metrics["ehcp_20wk_pct"])


def test_axis_and_tick_text_are_secondary_text_at_4_5_to_1(con, metrics, timeliness):
    _, frame = trend_of(con, metrics, timeliness, PLYMOUTH)
    for fig in (trend.trend_chart(frame, metrics["ehcp_20wk_pct"]),
                ranking.ranking_chart(plymouth_ranking(con, metrics, timeliness)[1], metrics["ehcp_20wk_pct"])):
        for ax in (fig.layout.xaxis, fig.layout.yaxis):
            assert ax.tickfont.color == palette.SECONDARY_TEXT
            assert ax.title.font.color == palette.SECONDARY_TEXT
    assert palette.SECONDARY_TEXT != "#808495"


def test_small_number_points_are_drawn_hollow_and_labelled(con, metrics, timeliness):
    _, frame = trend_of(con, metrics, timeliness, SCILLY)
    fig = trend.trend_chart(frame, metrics["ehcp_20wk_pct"])
    scilly = fig.data[0]
    rows = frame[frame["role"] == "area"].reset_index(drop=True)
    small = [s and v == v for s, v in zip(rows["small_numbers"], rows["value"])]
    assert any(small)
    fills = list(scilly.marker.color)
    assert [f == palette.HOLLOW_FILL for f in fills] == small  # hollow exactly where the numbers are small
    assert list(scilly.marker.line.color == palette.SERIES["area"].colour for _ in [0])[0]
    assert words.SMALL_NUMBERS_SHORT in list(scilly.text)  # labelled
    legend = [t.name for t in fig.data if t.name and t.name.startswith("Hollow")]
    assert legend == [f"Hollow: {words.SMALL_NUMBERS}"]
    _, plymouth = trend_of(con, metrics, timeliness, PLYMOUTH)
    solid = trend.trend_chart(plymouth, metrics["ehcp_20wk_pct"]).data[0]
    assert palette.HOLLOW_FILL not in list(solid.marker.color) and not any(solid.text)


def test_year_ticks_thin_out_on_narrow_screens_and_sit_under_their_points(con, metrics, timeliness):
    _, frame = trend_of(con, metrics, timeliness, PLYMOUTH)  # 2014 to 2024: too many labels for a phone
    xaxis = trend.trend_chart(frame, metrics["ehcp_20wk_pct"]).layout.xaxis
    assert xaxis.tickmode == "auto" and xaxis.tickangle == 0  # plotly steps by the chart's width, never slanting
    assert xaxis.labelalias["2024.00"] == "2024" and xaxis.labelalias["2023.50"] == ""  # whole years only
    points = trend.trend_chart(frame, metrics["ehcp_20wk_pct"]).data[0]
    assert list(points.x)[-1] == pytest.approx(2024, abs=0.02)  # the 2024 point sits on the 2024 tick
    short = frame[frame["end_date"] >= pd.Timestamp("2022-01-01").date()]
    axis = trend.time_axis(short)
    assert axis["tickmode"] == "array" and axis["ticktext"] == ["2022", "2023", "2024"]  # few: all shown
    excl = metrics["excl_perm_rate"]
    _, academic = trend_of(con, metrics, metric_table(con, excl), PLYMOUTH, "excl_perm_rate")
    labels = trend.time_axis(academic)
    shown = labels.get("ticktext") or [v for v in labels["labelalias"].values() if v]
    assert "2022/23" in shown  # an academic year is labelled as one


def test_missing_figures_are_annotated_with_the_reason(con, metrics, timeliness):
    area, frame = trend_of(con, metrics, timeliness, CITY)
    metric = metrics["ehcp_20wk_pct"]
    assert words.trend_title(frame, metric, area.name) == (
        "City of London has no published figure for EHC plans issued within 20 weeks in 2024: not available; the "
        "latest figure is 100.0% (5 of 5; small numbers: treat with caution) in 2023")
    fig = trend.trend_chart(frame, metric)
    missing = {a.text for a in fig.layout.annotations if a.name == "missing"}
    assert missing == {"not available", "not applicable"}  # 2024 and 2017
    assert "no figure for" in words.trend_description(frame, metric).lower()


def test_series_break_and_boundary_change_are_marked(con, metrics, timeliness):
    area, frame = trend_of(con, metrics, timeliness, CUMBERLAND)
    assert list(frame[frame["role"] == "area"]["period"]) == ["2023", "2024"]  # Cumbria's figures are not mixed in
    boundary = (area.valid_from, "Cumberland formed April 2023 from Cumbria")
    fig = trend.trend_chart(frame, metrics["ehcp_20wk_pct"], queries.series_breaks(con, "ehcp_20wk_pct"), boundary)
    assert {"series_break", "boundary_change"} <= {s.name for s in fig.layout.shapes}
    marks = {a.text: a for a in fig.layout.annotations if a.name in ("series_break", "boundary_change")}
    assert set(marks) == {"Series break 2023", "Boundary change April 2023"}
    assert marks["Boundary change April 2023"].hovertext == "Cumberland formed April 2023 from Cumbria"
    assert {a.yshift for a in marks.values()} == {2, 2 + trend.MARK_ROW_PX}  # stacked above the plot
    assert all(a.y == 1 and a.yanchor == "bottom" for a in marks.values())
    brk = next(s for s in fig.layout.shapes if s.name == "series_break")
    assert 2022 < brk.x0 < 2023  # between the 2022 and 2023 points


def test_target_line_is_drawn_when_a_target_is_set(con, metrics, timeliness):
    rows, problems = targets_csv.check_rows(ImportContext.from_store(con), [
        {"metric": "ehcp_20wk_pct", "target": "50", "tolerance": "0"}], "targets.csv", area_code=PLYMOUTH)
    assert not problems
    targets.save_targets(con, rows, actor=ADMIN)
    _, frame = trend_of(con, metrics, timeliness, PLYMOUTH)
    points = trend.target_points(frame, targets.targets_for(con, PLYMOUTH), "ehcp_20wk_pct")
    assert set(points["target"]) == {50.0}
    fig = trend.trend_chart(frame, metrics["ehcp_20wk_pct"], target=points)
    line = [s for s in fig.layout.shapes if s.name == "target"]
    assert len(line) == 1 and line[0].y0 == line[0].y1 == 50.0
    assert line[0].line.color == palette.SERIES["target"].colour
    assert "Target 50.0%" in {a.text for a in fig.layout.annotations}
    assert not [s for s in trend.trend_chart(frame, metrics["ehcp_20wk_pct"]).layout.shapes if s.name == "target"]


def test_local_metric_shows_its_national_comparator_as_context_only(con, metrics):
    local_returns.load_sample(con, actor=ADMIN)
    table = metric_table(con, metrics["ehcp_20wk_term_pct"])
    area, frame = trend_of(con, metrics, table, PLYMOUTH, "ehcp_20wk_term_pct")
    assert list(dict.fromkeys(frame["series"])) == [
        "Plymouth (illustrative figures, termly)", "Plymouth (published, calendar year)",
        "England (published, calendar year)"]
    title = words.trend_title(frame, metrics["ehcp_20wk_term_pct"], area.name)
    assert title.startswith("Plymouth issued 66.7% (")
    assert "illustrative" in title.split(" of new EHC plans")[0]  # the label is on the figure
    assert title.endswith("up from 61.4% in Summer term 2025/26; England 46.4% in 2024 (context only, not directly "
                          "comparable)")
    ees = trend_ees(frame)
    assert list(ees.columns) == EES_COLUMNS + ["ehcp_20wk_term_pct", "ehcp_20wk_pct", "ehcp_20wk_term_pct_ci_lower",
                                               "ehcp_20wk_term_pct_ci_upper", "ehcp_20wk_pct_ci_lower",
                                               "ehcp_20wk_pct_ci_upper"]
    autumn = ees[(ees["time_period"] == "202627") & (ees["time_identifier"] == "Autumn term")]
    assert autumn["ehcp_20wk_term_pct"].tolist() == [66.7]
    national = ees[(ees["geographic_level"] == "National") & (ees["time_period"] == "2024")]
    assert national["ehcp_20wk_pct"].tolist() == [46.4] and national["ehcp_20wk_term_pct"].tolist() == [""]
    axis = trend.time_axis(frame)  # ticked by the area's terms: one per academic year
    assert set(axis.get("ticktext") or axis["labelalias"].values()) >= {"2025/26", "2026/27"}


def test_counts_are_shown_with_neighbours_as_context_never_england_totals(con, metrics):
    table = metric_table(con, metrics["ehcp_requests"])
    area, frame = trend_of(con, metrics, table, PLYMOUTH, "ehcp_requests")
    assert set(frame["role"]) == {"area", "neighbours"}
    assert words.trend_title(frame, metrics["ehcp_requests"], area.name) == (
        "Plymouth received 1,176 requests for an EHC needs assessment in 2024, up from 895 in 2023; statistical "
        "neighbours' mean 801 (context only: a count, and bigger areas have more)")


def test_trend_csv_is_in_the_ees_layout_rounded_as_shown(con, metrics, timeliness):
    _, frame = trend_of(con, metrics, timeliness, PLYMOUTH)
    ees = trend_ees(frame)
    assert list(ees.columns[:8]) == EES_COLUMNS
    y2024 = ees[ees["time_period"] == "2024"].set_index("geographic_level")
    assert y2024.loc["Local authority", "ehcp_20wk_pct"] == 6.0
    assert y2024.loc["Local authority", "old_la_code"] == "879"
    assert y2024.loc["Local authority", "ehcp_20wk_pct_sn_mean"] == 48.5  # 48.45, to the measure's 1 decimal
    assert y2024.loc["National", "ehcp_20wk_pct"] == 46.4
    assert y2024.loc["Regional", "region_code"] == "E12000009"
    assert (ees["time_identifier"] == "Calendar year").all()
    _, city = trend_of(con, metrics, timeliness, CITY)
    mine = trend_ees(city)
    mine = mine[mine["geographic_level"] == "Local authority"].set_index("time_period")
    assert mine.loc["2024", "ehcp_20wk_pct"] == "x" and mine.loc["2017", "ehcp_20wk_pct"] == "z"


@pytest.mark.parametrize("metric_id", ["tribunal_appeal_rate_pct", "excl_perm_rate", "excl_susp_rate"])
def test_no_download_carries_float_noise(con, metrics, metric_id):
    """The region is a ratio of sums (2.1103217718345175); every figure is rounded as it is shown."""
    metric = metrics[metric_id]
    table = metric_table(con, metric)
    _, frame = trend_of(con, metrics, table, PLYMOUTH, metric_id)
    text = trend_ees(frame).to_csv(index=False)
    index = AreaIndex.from_store(con)
    period = table[table["value"].notna()]["period"].iloc[-1]
    ranked = ranking.ranking_frame(table, period, metric, {a.code for a in index.current_las()})
    text += ranking_ees(ranked, metric, table[(table["area_code"] == ENGLAND) & (table["period"] == period)]
                        ).to_csv(index=False)
    decimals = re.findall(r"\d+\.(\d+)", text)
    assert decimals and max(len(d) for d in decimals) <= metric.decimals


@pytest.mark.parametrize("label,kind,expected", [
    ("2024", "calendar_year", ("2024", "Calendar year")),
    ("2024/25", "academic_year", ("202425", "Academic year")),
    ("Autumn 2026/27", "term", ("202627", "Autumn term")),
    ("January 2025", "census_date", ("2025", "January")),
    ("FY 2024-25", "financial_year", ("202425", "Financial year")),
])
def test_ees_periods(label, kind, expected):
    assert ees_period(label, kind) == expected


def test_trend_table_reads_in_words_with_counts(con, metrics, timeliness):
    _, frame = trend_of(con, metrics, timeliness, PLYMOUTH)
    table = trend.trend_table(frame, metrics["ehcp_20wk_pct"]).set_index("Period")
    assert table.loc["2024", "Plymouth"] == "6.0%: 24 of 403"
    assert table.loc["2014", "Plymouth"] == "no figure: not applicable"
    assert table.loc["2024", "Statistical neighbours (mean)"] == "48.5% (mean of 10 of 10)"
    _, scilly = trend_of(con, metrics, timeliness, SCILLY)
    assert trend.trend_table(scilly, metrics["ehcp_20wk_pct"]).set_index("Period").loc["2024", "Isles of Scilly"] == (
        "100.0%: 1 of 1 (small numbers: treat with caution)")


def plymouth_ranking(con, metrics, timeliness):
    index = AreaIndex.from_store(con)
    ranked = ranking.ranking_frame(timeliness, "2024", metrics["ehcp_20wk_pct"], {a.code for a in index.current_las()})
    links = neighbour_map(queries.neighbour_links(con))
    near = list(links[links["area_code"] == PLYMOUTH].sort_values("rank")["neighbour_code"])
    return index, ranked, near


def test_ranking_highlights_the_area_and_neighbours_and_draws_england(con, metrics, timeliness):
    index, ranked, near = plymouth_ranking(con, metrics, timeliness)
    metric = metrics["ehcp_20wk_pct"]
    mine = ranked[ranked["area_code"] == PLYMOUTH].iloc[0]
    assert (mine["rank"], mine["rank_of"], mine["band"]) == (145, 149, "D")
    assert words.ranking_title(ranked, metric, index.get(PLYMOUTH), 46.4, "2024", "calendar_year") == (
        "Plymouth ranks 145th of 149 local authorities on EHC plans issued within 20 weeks in 2024 (6.0%: 24 of 403; "
        "England 46.4%)")
    fig = ranking.ranking_chart(ranked, metric, PLYMOUTH, near, 46.4)
    by_name = {t.name: t for t in fig.data}
    assert set(by_name) == {"Other local authorities", "Statistical neighbours", "Plymouth"}
    assert list(by_name["Plymouth"].y) == [6.0] and len(by_name["Statistical neighbours"].y) == 10
    assert by_name["Plymouth"].marker.color == palette.SERIES["area"].colour
    assert by_name["Statistical neighbours"].marker.color == palette.SERIES["neighbours"].colour
    assert sum(len(t.y) for t in fig.data) == 149  # the ranked only: small numbers get no bar
    england = [s for s in fig.layout.shapes if s.name == "england"]
    assert len(england) == 1 and england[0].y0 == 46.4
    assert (england[0].line.color, england[0].line.dash) == (palette.SERIES["england"].colour, "dash")
    assert "England 46.4%" in {a.text for a in fig.layout.annotations}
    bands = [a.text for a in fig.layout.annotations if a.name == "band"]
    assert sorted(bands) == list("ABCD")  # letters only, so four fit side by side on a phone
    assert words.band_key(metric) == ("Bands: A (best quarter), B (second quarter), C (third quarter), "
                                      "D (worst quarter).")
    ranked_rows = ranked[ranked["rank"].notna()]
    assert list(ranked_rows["value"]) == sorted(ranked_rows["value"], reverse=True)  # best first
    small = ranked[ranked["small_numbers"] & ranked["value"].notna()]
    assert list(small["area_name"]) == ["Isle of Wight", "Isles of Scilly"]
    assert small["rank"].isna().all() and set(small["band_words"]) == {"no band: small numbers"}
    assert set(small["rank_words"]) == {"not ranked: small numbers"}
    assert "Isles of Scilly" in words.ranking_description(ranked, metric, index.get(PLYMOUTH), near, 46.4)


def test_ranking_of_an_area_without_a_figure_and_of_a_count(con, metrics, timeliness):
    index, ranked, _ = plymouth_ranking(con, metrics, timeliness)
    assert words.ranking_title(ranked, metrics["ehcp_20wk_pct"], index.get(CITY), 46.4, "2024", "calendar_year") == (
        "City of London has no figure for EHC plans issued within 20 weeks in 2024 (not available); local "
        "authorities ranged from 3.2% to 100.0%; England 46.4%")
    no_figure = ranked[ranked["value"].isna()]
    assert list(no_figure["area_name"]) == ["City of London", "Dorset"]  # last, with the reason
    assert set(no_figure["value_words"]) == {"no figure: not available"} and no_figure["band"].isna().all()
    requests = ranking.ranking_frame(metric_table(con, metrics["ehcp_requests"]), "2024", metrics["ehcp_requests"])
    # A count is not ranked or banded against other areas: bigger areas have more.
    assert requests["rank"].isna().all() and requests["band"].isna().all()
    assert requests.iloc[0]["band_words"] == "no band: a count, not compared across areas (bigger areas have more)"
    assert not ranking.ranking_chart(requests, metrics["ehcp_requests"], PLYMOUTH).data  # nothing to rank
    assert words.ranking_title(requests, metrics["ehcp_requests"], index.get(PLYMOUTH), None, "2024",
                               "calendar_year") == (
        "Plymouth: assessment requests received in 2024 was 1,176 (a count, not ranked: bigger areas have more)")


def test_hexmap_covers_the_153_current_las_once_each(con):
    hexes = hexmap.load()
    current = {a.code for a in AreaIndex.from_store(con).current_las()}
    assert len(current) == 153 and set(hexes) == current
    cells = [(h["q"], h["r"]) for h in hexes.values()]
    assert len(set(cells)) == len(cells)
    for a, b in (("E06000061", "E06000062"), ("E06000063", "E06000064")):  # split authorities side by side
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


def test_hex_chart_bands_every_hex_and_leaves_small_numbers_unbanded(con, metrics, timeliness):
    index, ranked, _ = plymouth_ranking(con, metrics, timeliness)
    metric = metrics["ehcp_20wk_pct"]
    assert words.hex_title(ranked, metric, index.get(PLYMOUTH), "2024", "calendar_year") == (
        "Plymouth is in band D (worst quarter) for EHC plans issued within 20 weeks in 2024")
    fig = hexmap_chart.hex_chart(hexmap.load(), ranked, metric, PLYMOUTH)
    labels = next(t for t in fig.data if t.name == "labels")
    assert len(labels.text) == 153
    by_name = dict(zip([h.split(":")[0] for h in labels.hovertext], labels.text))
    assert by_name["Plymouth"] == "D" and by_name["City of London"] == "–"
    assert by_name["Isles of Scilly"] == "○" and by_name["Isle of Wight"] == "○"  # hollow: small numbers
    assert any(h.startswith("Plymouth: 6.0%: 24 of 403<br>145th of 149; band D (worst quarter)")
               for h in labels.hovertext)
    legend = {t.name for t in fig.data if t.showlegend is not False}
    assert legend == {"A (best quarter)", "B (second quarter)", "C (third quarter)", "D (worst quarter)",
                      "Small numbers (○): not banded", "No figure (–)"}
    fills = {t.fillcolor for t in fig.data if t.fill == "toself"}
    assert fills - {palette.HOLLOW_FILL} == set(palette.BAND_COLOURS.values())
    assert "small numbers, not banded (hollow circle): 2; no figure: 2" in words.hex_description(ranked, metric, 153)
    assert not fig.layout.title.text


def test_the_hex_maps_area_label_covers_no_other_hexagon(con, metrics, timeliness):
    _, ranked, _ = plymouth_ranking(con, metrics, timeliness)
    hexes = hexmap.load()
    ys = [hexmap.centre(h["q"], h["r"])[1] for h in hexes.values()]
    for code in (PLYMOUTH, "E06000057", "E09000001"):  # south-west tip, Northumberland at the top, London
        fig = hexmap_chart.hex_chart(hexes, ranked, metrics["ehcp_20wk_pct"], code)
        label = next(a for a in fig.layout.annotations if a.name == "area")
        # The name sits beyond the top or bottom row of hexagons (a hexagon reaches 0.58 from its
        # centre), pointing back at the area; the axis range holds it.
        clear = label.ay <= min(ys) - 0.58 - 0.3 if label.yanchor == "top" else label.ay >= max(ys) + 0.58 + 0.3
        assert clear, (code, label.ay)
        assert fig.layout.yaxis.range[0] <= label.ay <= fig.layout.yaxis.range[1]
        assert fig.layout.xaxis.range[0] <= label.ax <= fig.layout.xaxis.range[1]


def test_ranking_csv_is_in_the_ees_layout(con, metrics, timeliness):
    _, ranked, _ = plymouth_ranking(con, metrics, timeliness)
    england = timeliness[(timeliness["area_code"] == ENGLAND) & (timeliness["period"] == "2024")]
    ees = ranking_ees(ranked, metrics["ehcp_20wk_pct"], england)
    assert list(ees.columns) == EES_COLUMNS + ["ehcp_20wk_pct", "ehcp_20wk_pct_ci_lower", "ehcp_20wk_pct_ci_upper",
                                               "rank", "rank_of", "quartile_band", "rank_note"]
    assert ees.iloc[0]["geographic_level"] == "National" and ees.iloc[0]["ehcp_20wk_pct"] == 46.4
    assert len(ees) == 1 + 153
    rows = ees.set_index("la_name")
    assert rows.loc["Plymouth", ["ehcp_20wk_pct", "rank", "rank_of", "quartile_band"]].tolist() == [6.0, 145, 149, "D"]
    assert rows.loc["City of London", "ehcp_20wk_pct"] == "x" and rows.loc["City of London", "quartile_band"] == ""
    assert rows.loc["Isles of Scilly", "rank"] == "" and rows.loc["Isles of Scilly", "quartile_band"] == ""
    assert rows.loc["Isles of Scilly", "rank_note"] == "not ranked: small numbers"
    assert rows.loc["Plymouth", ["ehcp_20wk_pct_ci_lower", "ehcp_20wk_pct_ci_upper"]].tolist() == [4.0, 8.7]


def test_the_shared_style_escapes_typed_text():
    assert style.safe("<a href=x>A & B</a>") == "&lt;a href=x&gt;A &amp; B&lt;/a&gt;"
    assert style.CONFIG["displaylogo"] is False
