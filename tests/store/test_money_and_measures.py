"""Money and rates per population (units, words, comparators), the register's new fields, the request
outcomes shown beside the refusal rate, and a board changing a measure's polarity in the register."""

import tomllib

import pytest

from scorecard import card, config, register, show, summary, words
from scorecard.formatting import change_words, fmt, money, money_words
from scorecard.register import RegisterError, metric_from_dict, metrics_from_store
from scorecard.validation import value_problem

PLYMOUTH, SOUTH_WEST = "E06000026", "E12000009"
TERM = "Autumn 2026/27"


def _metric(**fields):
    return metric_from_dict({"id": "m_test", "name": "A test measure", "polarity": "higher", **fields})


def test_money_reads_to_the_pound_in_tables_and_in_millions_in_sentences():
    hnb = _metric(unit="£", decimals=0)
    assert fmt(38_037_510, hnb) == "£38,037,510"
    assert fmt(38_037_510, hnb, in_words=True) == "£38.0m"
    assert money(-1_200_000) == "−£1,200,000" and money_words(-1_200_000) == "−£1.2m"  # a true minus sign
    balance = _metric(unit="%", signed=True, decimals=2)
    assert fmt(-2.26, balance) == "−2.26%", "not '-2.26%', which a spreadsheet or Word pack would take for a formula"
    assert money_words(950_000) == "£950,000" and money_words(7_906_348_577) == "£7,906m"
    assert change_words(4_438_943, hnb) == "up £4.4m"
    per_head = _metric(unit="£ per head", decimals=0, population="children aged 2 to 18")
    assert fmt(747.53, per_head) == "£748 per head"
    rate = _metric(unit="per 10,000", decimals=1, population="children aged 0 to 17")
    assert fmt(12.34, rate) == "12.3 per 10,000" and change_words(-2, rate) == "down 2.0 per 10,000"


def test_a_rate_per_population_must_name_its_population():
    with pytest.raises(RegisterError, match="must name its population"):
        _metric(unit="per 10,000")
    with pytest.raises(RegisterError, match="must name its population"):
        _metric(unit="£ per head")
    assert _metric(unit="per 10,000", population="children aged 0 to 17").population == "children aged 0 to 17"


def test_signed_balances_estimates_and_calculated_reads_are_checked():
    balance = _metric(unit="%", signed=True, decimals=2)
    assert value_problem(balance, -6.21) is None
    assert "outside -100–100" in value_problem(balance, -150)
    assert "outside 0–100" in value_problem(_metric(unit="%"), -6.21)
    assert "negative" in value_problem(_metric(unit="£"), -5)
    assert value_problem(_metric(unit="count", estimate=True), 50_883.936) is None
    assert "not a whole number" in value_problem(_metric(unit="count"), 50_883.936)
    with pytest.raises(RegisterError, match="calculate = true"):
        _metric(unit="%", read=[{"publication": "dfe-ehcp", "calculate": True, "numerator": "a"}])
    with pytest.raises(RegisterError, match="two measures"):
        _metric(unit="£ per head", population="people", derived_from=["a"])


def test_the_register_refuses_a_shown_with_it_does_not_define(tmp_path):
    text = config.REGISTER_FILE.read_text(encoding="utf-8").replace(
        '"requests_withdrawn_pct", "requests_outstanding_pct"]', '"requests_withdrawn_pct", "no_such_measure"]')
    path = tmp_path / "metrics.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RegisterError, match="no_such_measure"):
        register.load_register(path)


def test_a_sum_of_money_is_never_ranked_and_its_region_is_published_or_summed(con):
    metrics = metrics_from_store(con)
    hnb = {(r["area_code"], r["period"]): r for r in show.rows(con, metrics["high_needs_block"])}
    plymouth = hnb[(PLYMOUTH, "FY 2021-22")]
    assert plymouth["rank"] is None and plymouth["quartile"] is None
    assert plymouth["region"] == hnb[(SOUTH_WEST, "FY 2021-22")]["value"] == 695_410_967
    assert words.not_ranked_reason(metrics["high_needs_block"], False) == "a sum of money (bigger areas have more)"


def test_a_rate_per_head_is_ranked_and_its_region_is_a_ratio_of_sums(con):
    metrics = metrics_from_store(con)
    rows = show.rows(con, metrics["high_needs_block_per_head"])
    plymouth = next(r for r in rows if r["area_code"] == PLYMOUTH)
    assert plymouth["value"] == 748 and plymouth["rank"] and plymouth["rank_of"] >= 149
    assert plymouth["quartile"] is None, "a context measure has no band"
    in_region = [r for r in rows if r["la_number"] and r["region"] == plymouth["region"]]
    assert len(in_region) >= 14
    expected = sum(r["numerator"] for r in in_region) / sum(r["denominator"] for r in in_region)
    assert plymouth["region"] == round(expected)


def test_the_refusal_rate_is_read_beside_the_other_request_outcomes(con):
    built = card.build(con, PLYMOUTH, TERM)
    refusals = next(r for r in built.rows if r.metric.id == "ehcp_requests_refused_pct")
    assert refusals.period.label == "2024"
    assert [(m.id, v) for m, v, _ in refusals.alongside] == [
        ("requests_assessed_pct", 44.4), ("requests_withdrawn_pct", 38.4), ("requests_outstanding_pct", 17.1)]
    # The one-page summary keeps its one line; the row's detail, its sentence and the Table view carry them.
    row = next(r for g in summary.board_summary(built, "la") for r in g.rows if r.metric_id == refusals.metric.id)
    assert row.latest == "0.1%: 1 of 1,176"
    assert words.figure_with_alongside(refusals) == \
        "0.1%: 1 of 1,176; agreed to assess 44.4%, withdrawn 38.4%, undecided 17.1%"
    assert "Beside it: agreed to assess 44.4%" in words.sentence(refusals, "Plymouth")
    from scorecard.ui import widgets
    assert "Beside it: agreed to assess 44.4%, withdrawn 38.4%, undecided 17.1%." in widgets.period_words(refusals)
    table = widgets.card_table(built)
    assert "withdrawn 38.4%" in table.loc[table["Measure"] == refusals.metric.label, "Latest"].iloc[0]
    assert words.figure_with_alongside(refusals, {"value"}) == "c", "a suppressed figure shows nothing beside it"


def test_where_children_are_educated_reads_together_and_the_ap_mix_is_in_the_detail(con):
    from scorecard.ui import widgets

    built = card.build(con, PLYMOUTH, TERM, metric_ids=["ehcp_mainstream_pct"])
    mainstream = built.rows[0]
    assert [m.id for m, _, _ in mainstream.alongside] == ["ehcp_special_pct", "ehcp_ap_pct", "ehcp_elsewhere_pct"]
    assert words.alongside(mainstream) == ("Beside it: in special schools 25.6%, in AP or PRU 2.0%, "
                                           "educated elsewhere 10.3%")
    ap = card.build(con, "E08000030", TERM, metric_ids=["ap_placements"]).rows[0]
    assert "By setting type: " in widgets.period_words(ap) and "One on one tuition 21" in words.mix(ap)


def test_a_board_can_read_independent_special_placements_as_context(con, tmp_path):
    metrics = metrics_from_store(con)
    assert metrics["ehcp_independent_special_pct"].polarity == "lower"
    before = next(r for r in show.rows(con, metrics["ehcp_independent_special_pct"]) if r["area_code"] == PLYMOUTH)
    assert before["quartile"] in "ABCD"
    data = tomllib.loads(config.REGISTER_FILE.read_text(encoding="utf-8"))
    for m in data["metric"]:
        if m["id"] == "ehcp_independent_special_pct":
            m["polarity"] = "context"
    register.sync_to_store(con, [metric_from_dict(m) for m in data["metric"]])
    changed = metrics_from_store(con)["ehcp_independent_special_pct"]
    assert changed.polarity == "context"
    after = next(r for r in show.rows(con, changed) if r["area_code"] == PLYMOUTH)
    assert after["quartile"] is None and after["value"] == before["value"]
