"""RAG rules at their boundaries."""

import pytest

from scorecard.rag import AMBER, COLOURS, GREEN, RED, RULES, TEXT_ON, rate, rule_name


def test_exactly_on_target_is_green():
    r = rate(60.0, 60.0, 0, "higher", previous=70.0)
    assert r.rag == GREEN and "meets the target of 60.0%" in r.reason


@pytest.mark.parametrize("value,rag", [(57.5, GREEN), (57.4, AMBER)])
def test_within_tolerance_is_green_and_just_outside_is_not(value, rag):
    assert rate(value, 60.0, 2.5, "higher", previous=58.0).rag == rag


def test_distance_to_target_decides_the_rating_not_the_trend():
    # Cornwall: 7.0% against 60%, up from 1.6%: red whatever its trend.
    r = rate(7.0, 60.0, 0, "higher", previous=1.6)
    assert r.rag == RED and "by 53.0 points" in r.reason and "amber margin of 6.0 points (10% of the target)" in r.reason
    assert rate(7.0, 60.0, 0, "higher", previous=10.0).rag == RED


@pytest.mark.parametrize("value,rag", [(54.0, AMBER), (53.9, RED)])
def test_amber_margin_boundary_is_ten_per_cent_of_the_target(value, rag):
    assert rate(value, 60.0, 0, "higher", previous=70.0).rag == rag


def test_amber_margin_is_set_per_metric():
    assert rate(50.0, 60.0, 0, "higher", amber_margin=20).rag == AMBER
    assert rate(50.0, 60.0, 0, "higher", amber_margin=5).rag == RED


def test_lower_is_better_polarity():
    assert rate(2.0, 3.0, 0, "lower").rag == GREEN
    assert rate(3.4, 3.0, 0.5, "lower").rag == GREEN
    assert rate(3.55, 3.0, 0.5, "lower", decimals=2).rag == RED  # margin is 0.3, tolerance 0.5: green to 3.5
    assert rate(3.25, 3.0, 0, "lower", decimals=2).rag == AMBER
    assert rate(3.31, 3.0, 0, "lower", decimals=2).rag == RED


def test_improvement_rule_is_available_by_name():
    r = rate(50.0, 60.0, 2.5, "higher", previous=45.0, rule="improvement")
    assert r.rag == AMBER and "improved from 45.0%" in r.reason
    r = rate(50.0, 60.0, 2.5, "higher", previous=50.0, rule="improvement")
    assert r.rag == RED and "not improved on 50.0%" in r.reason
    r = rate(50.0, 60.0, 0, "higher", previous=None, rule="improvement")
    assert r.rag == RED and "no previous figure" in r.reason


def test_context_metric_and_no_target_are_not_rated():
    assert rate(100, 90, 0, "context").rag is None
    r = rate(50.0, None, 0, "higher")
    assert r.rag is None and "England" in r.reason and r.label == "Not rated"


def test_missing_value_is_not_rated():
    assert rate(None, 60, 0, "higher").rag is None


def test_other_rules():
    assert rate(58.0, 60.0, 2.5, "higher", rule="tolerance").rag == AMBER
    assert rate(50.0, 60.0, 2.5, "higher", previous=40, rule="tolerance").rag == RED
    assert rate(59.9, 60.0, 2.5, "higher", rule="strict").rag == RED


def test_old_default_name_means_the_distance_rule():
    assert rule_name("default") == "distance" and rule_name(None) == "distance"
    assert rate(7.0, 60.0, 0, "higher", previous=1.6, rule="default").rag == RED
    assert set(RULES) == {"distance", "improvement", "tolerance", "strict"}


def test_label_carries_an_icon_and_a_word():
    assert rate(55.0, 60.0, 0, "higher").label == "▲ Amber"
    assert rate(5.0, 60.0, 0, "higher").label == "■ Red"
    assert rate(65.0, 60.0, 0, "higher").label == "● Green"


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("rag", [GREEN, AMBER, RED])
def test_rag_colours_carry_their_text_at_wcag_contrast(rag):
    a, b = sorted((_luminance(COLOURS[rag]), _luminance(TEXT_ON[rag])), reverse=True)
    assert (a + 0.05) / (b + 0.05) >= 4.5
