"""RAG rules at their boundaries."""

import pytest

from scorecard.rag import AMBER, GREEN, RED, rate


def test_exactly_on_target_is_green():
    r = rate(60.0, 60.0, 0, "higher", previous=70.0)
    assert r.rag == GREEN and "meets the target of 60.0%" in r.reason


@pytest.mark.parametrize("value,rag", [(57.5, GREEN), (57.4, RED)])
def test_within_tolerance_is_green_and_just_outside_is_not(value, rag):
    assert rate(value, 60.0, 2.5, "higher", previous=58.0).rag == rag


def test_off_target_but_improving_is_amber():
    r = rate(50.0, 60.0, 2.5, "higher", previous=45.0)
    assert r.rag == AMBER and "improved from 45.0%" in r.reason


def test_off_target_and_not_improving_is_red():
    r = rate(50.0, 60.0, 2.5, "higher", previous=50.0)
    assert r.rag == RED and "not improved on 50.0%" in r.reason


def test_no_previous_value_cannot_show_improvement():
    r = rate(50.0, 60.0, 0, "higher", previous=None)
    assert r.rag == RED and "no previous figure" in r.reason


def test_lower_is_better_polarity():
    assert rate(2.0, 3.0, 0, "lower").rag == GREEN
    assert rate(3.4, 3.0, 0.5, "lower").rag == GREEN
    assert rate(4.0, 3.0, 0.5, "lower", previous=5.0, unit="%").rag == AMBER
    assert rate(4.0, 3.0, 0.5, "lower", previous=3.5).rag == RED


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


def test_label_carries_an_icon_and_a_word():
    r = rate(50.0, 60.0, 0, "higher", previous=40.0)
    assert r.label == "▲ Amber"
