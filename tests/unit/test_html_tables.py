"""The tables the pages write as HTML (scorecard/ui/html_tables.py) and the text inside them
(text_safety.html_text): every user or file string shows as typed and forms no tag, link or image;
the summary has its headings, group rows, rating colours, figure labels and context tags; and the
target form's rules (scorecard/ui/admin.py) name what is missing."""

from __future__ import annotations

import pandas as pd
import pytest

from scorecard import rag, words
from scorecard.summary import SummaryGroup, SummaryRow
from scorecard.text_safety import html_text
from scorecard.ui import admin, html_tables
from tests.rendered import html_tables as read_tables
from tests.rendered import html_text_of, live_markup, shown

HOSTILE = [
    "![x](https://example.invalid/x.png)",
    "[x](https://example.invalid)",
    "<img src='https://example.invalid/i.png'>",
    "<https://example.invalid/auto>",
    "</td></tr></table><script>alert(1)</script>",
    "see https://example.invalid/a, WWW.example.invalid or a@example.invalid",
    "&lt;b&gt; &amp; \" ' `code`",
]


def _row(measure="EHC plans issued within 20 weeks", latest="6.0%: 24 of 403", rating="■ Red", rag_=rag.RED,
         england="46.4% (2024)", neighbours="48.5%, mean of 10 of 10 (2024)", illustrative=False, metric_id="m"):
    return SummaryRow(metric_id=metric_id, measure=measure, latest=latest, period="calendar year 2024",
                      direction="↓ worse", target="60.0%", rating=rating, rag=rag_, england=england,
                      neighbours=neighbours, position="145th of 149, band D (worst quarter)",
                      illustrative=illustrative)


@pytest.mark.parametrize("text", HOSTILE)
def test_html_text_shows_as_typed_and_makes_nothing(text):
    escaped = html_text(text)
    assert html_text_of(f"<p>{escaped}</p>") == text.strip()
    assert not any(ch in escaped for ch in "<>\"'[]()") and "://" not in escaped
    assert live_markup(f"<div>{escaped}</div>") == ["<div>", "</div>"]


def test_the_summary_table_has_headings_groups_colours_labels_and_links():
    groups = [SummaryGroup("1. Timeliness", [
        _row(),
        _row("EHC plans within 20 weeks (term)", "66.7%: 86 of 129 (illustrative)", "▲ Amber", rag.AMBER,
             england=f"46.4% (2024): context only, {words.NOT_COMPARABLE}", illustrative=True, metric_id="t"),
    ]), SummaryGroup("Demand", [_row("Requests", "100.0%: 1 of 1 (small numbers: treat with caution)",
                                     "Not rated", None, metric_id="r")])]
    source = html_tables.summary_table_html(groups, "Board summary for Plymouth")
    assert "\n" not in source  # one HTML block for Markdown
    (table,) = read_tables(source)
    assert table["caption"] == "Board summary for Plymouth"
    head, *rows = table["rows"]
    assert [c["text"] for c in head] == [heading for _, heading, _ in html_tables.COLUMNS]
    assert [r[0]["text"] for r in rows] == ["1. Timeliness1 red, 0 amber, 0 green, 0 not rated; plus 1 rated on illustrative figures",
                                            "EHC plans issued within 20 weeks", "EHC plans within 20 weeks (term)",
                                            "Demand0 red, 0 amber, 0 green, 1 not rated", "Requests"]
    red, amber, small = rows[1], rows[2], rows[4]
    cells = {c["label"]: c for c in red[1:]}
    assert cells["Rating"]["text"] == "■ Red" and rag.COLOURS[rag.RED] in cells["Rating"]["tags"][0]["style"]
    assert red[0]["scope"] == "row" and 'href="#measure-m"' in source
    latest = {c["label"]: c for c in amber[1:]}["Latest figure"]
    assert latest["text"] == "66.7%: 86 of 129 illustrative" and latest["tags"][0]["class"] == "sc-tag"
    england = {c["label"]: c for c in amber[1:]}["England"]
    assert england["text"] == "46.4% (2024) context only" and "sc-context" in england["tags"][0]["class"]
    assert "not directly comparable" in html_text_of(source)  # the legend says what context only means
    assert {c["label"]: c for c in small[1:]}["Latest figure"]["text"] == (
        "100.0%: 1 of 1 small numbers: treat with caution")


def test_split_labels_finds_each_label_words_puts_on_a_figure():
    assert html_tables.split_labels("6.0%: 24 of 403") == ("6.0%: 24 of 403", [])
    assert html_tables.split_labels("12 (local (provisional))") == ("12", ["local (provisional)"])
    assert html_tables.split_labels("50.0%: 1 of 2 (illustrative; small numbers: treat with caution)") == (
        "50.0%: 1 of 2", ["illustrative", "small numbers: treat with caution"])
    assert html_tables.split_labels("No figure: not available") == ("No figure: not available", [])


@pytest.mark.parametrize("text", HOSTILE)
def test_user_text_in_the_summary_and_tables_shows_as_typed(text):
    groups = [SummaryGroup(text, [_row(measure=text, latest=text, england=text, neighbours=text)])]
    for source in (html_tables.summary_table_html(groups, text), html_tables.glance_html(groups, groups[0]),
                   html_tables.staleness_html([text]), html_tables.glossary_html([(text, text)]),
                   html_tables.table_html(pd.DataFrame({"a": [text], text: [text]}), text)):
        assert not [m for m in live_markup(source) if "example.invalid" in m or "<script" in m], source
        assert text.strip() in shown(source)


def test_the_counts_read_in_words_with_shapes_and_colour_only_where_not_zero():
    group = SummaryGroup("Timeliness", [_row(), _row(rating="Not rated", rag_=None)])
    source = html_tables.glance_html([group], group)
    assert "2 measures: ■ 1 red, ▲ 0 amber, ● 0 green, 1 not rated" in shown(source)
    assert "Timeliness:■ 1 red, ▲ 0 amber, ● 0 green, 1 not rated" in shown(source)
    assert source.count("background:") == 2  # the red count, once in the total and once in the group
    assert html_tables.NOTHING_RATED not in shown(source)
    unrated = SummaryGroup("Demand", [_row(rating="Not rated", rag_=None)])
    assert html_tables.NOTHING_RATED in shown(html_tables.glance_html([unrated], unrated))


@pytest.mark.parametrize("kind, fields, target, missing", [
    ("range", {}, 60, "the first period is missing"),
    ("point", {"period": " "}, 60, "the term or year is missing"),
    ("every", {}, None, "the target is missing"),
    ("point", {}, None, "the term or year and the target are missing"),
])
def test_the_target_form_names_what_is_missing(kind, fields, target, missing):
    with pytest.raises(admin.TargetFormError, match=f"^Nothing was saved: {missing}.$"):
        admin.target_form_row(kind, "ehcp_20wk_pct", target, **fields)
    with pytest.raises(admin.TargetFormError, match="the measure"):
        admin.target_form_row(kind, None, target, **fields)


def test_the_target_form_gives_one_row_for_the_kind_chosen():
    row = admin.target_form_row("range", "ehcp_20wk_pct", 60.0, None, period="2024", from_period="2020",
                                to_period="", baseline_period="2019")
    assert row == {"metric": "ehcp_20wk_pct", "period": "", "from_period": "2020", "to_period": "",
                   "target": "60.0", "tolerance": "0", "baseline_period": "2019", "_row": 1}
    point = admin.target_form_row("point", "ehcp_20wk_pct", 55, 2.5, period="Autumn 2026/27", from_period="2020")
    assert (point["period"], point["from_period"], point["tolerance"]) == ("Autumn 2026/27", "", "2.5")
    assert admin.target_periods_words({"period_label": None, "from_period": None, "to_period": None}) == (
        "for every period")
    assert admin.target_periods_words({"from_period": "2020", "to_period": "2024"}) == "from 2020 to 2024"


def test_the_glossary_finds_the_jargon_a_text_uses():
    used = dict(words.terms_used(["Undo batch 2", "EOTAS and AP placements", "Series break: SEN2", "EPs"]))
    assert {"batch", "educated otherwise than at school (EOTAS)", "alternative provision (AP)", "SEN2",
            "educational psychologist (EP)"} <= set(used)
    assert "tolerance" not in used and words.terms_used(["APPLE, sEn2, Batchelor"]) == []
    assert set(words.MUST_EXPLAIN) <= set(words.GLOSSARY)


def test_the_caption_says_how_many_figures_are_illustrative():
    group = SummaryGroup("T", [_row(illustrative=True), _row(illustrative=True), _row()])
    assert html_tables.summary_caption("Plymouth", "Autumn term 2026/27", group) == (
        "Board summary for Plymouth, Autumn term 2026/27. 2 figures are illustrative: made-up sample figures, "
        "labelled on the figure, not real data")
    assert html_tables.summary_caption("Plymouth", "Autumn term 2026/27", SummaryGroup("T", [_row()])) == (
        "Board summary for Plymouth, Autumn term 2026/27")


def test_on_a_narrow_screen_each_measure_keeps_its_detail_behind_more():
    groups = [SummaryGroup("Timeliness", [_row()])]
    source = html_tables.summary_table_html(groups, "Board summary")
    (table,) = read_tables(source)
    cells = {c["label"]: c for c in table["rows"][2][1:]}
    assert {"Latest figure", "Rating", "More"} <= set(cells)
    more = cells["More"]["text"]
    assert more.startswith(html_tables.MORE)
    for label in ("Direction", "Period", "Target", "England", "Neighbours' mean", "Rank or band"):
        assert f"{label}: {cells[label]['text']}" in more, label  # the same words, opened on demand
    assert 'class="sc-detail"' in source and ".sc-table td.sc-detail{display:none}" in html_tables.style_html()


def test_the_latest_releases_are_said_once():
    source = html_tables.staleness_html(["DfE, EHC plans: latest figures for 2024"])
    assert shown(source).count("DfE, EHC plans: latest figures for 2024") == 1
    assert "<details" in source  # folded on a narrow screen, listed on a wide one
