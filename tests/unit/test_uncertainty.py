"""Uncertainty at its boundaries (scorecard/uncertainty.py): the intervals against published values,
and each judgement made with them just inside and just outside its line."""

import pytest

from scorecard import uncertainty as u


# ---------------------------------------------------------------- intervals

def test_wilson_matches_the_issue_and_the_published_formula():
    """City of London's 0 of 26 runs 0 to 12.9%; Bristol's 3 of 395 runs 0.3% to 2.2% (issue 18)."""
    london = u.interval("%", 0, 26)
    assert london.method == u.WILSON and london.lower == 0 and round(london.upper, 1) == 12.9
    bristol = u.interval("%", 3, 395)
    assert (round(bristol.lower, 1), round(bristol.upper, 1)) == (0.3, 2.2)
    assert u.interval("%", 26, 26).upper == 100  # never above 100%
    low, high = u.wilson(50, 100)
    assert round(low, 4) == 0.4038 and round(high, 4) == 0.5962  # the textbook 50 of 100


@pytest.mark.parametrize("count,lower,upper", [
    (0, 0.0, 3.689), (1, 0.0253, 5.572), (2, 0.2422, 7.225), (5, 1.6235, 11.668), (9, 4.1154, 17.085)])
def test_exact_poisson_matches_published_tables(count, lower, upper):
    low, high = u.poisson_count(count)
    assert (round(low, 4), round(high, 3)) == (lower, upper)


def test_byar_takes_over_from_ten_events_and_stays_close_to_exact():
    assert u.poisson_count(10) == u.byar(10)
    assert u.poisson_count(9) == u.EXACT_POISSON[9]
    exact, approx = u.exact_poisson(10), u.byar(10)
    assert abs(exact[0] - approx[0]) < 0.01 and abs(exact[1] - approx[1]) < 0.01


def test_a_rate_per_100_is_a_poisson_count_over_its_denominator():
    """Suspensions can outnumber pupils: 5,163 of 39,014 is 13.2 per 100, with a Poisson interval."""
    found = u.interval("rate per 100", 5163, 39014)
    assert found.method == u.POISSON and found.lower < 13.2337 < found.upper
    assert round(found.lower, 2) == 12.88 and round(found.upper, 2) == 13.60
    per_10k = u.interval("per 10,000", 1, 10_000)
    assert round(per_10k.upper, 3) == 5.572 and round(per_10k.lower, 4) == 0.0253


@pytest.mark.parametrize("unit,numerator,denominator", [
    ("count", 5, 10), ("£", 5, 10), ("%", None, 10), ("%", 5, None), ("%", 11, 10), ("%", 2.5, 10),
    ("%", 3, 0), ("rate per 100", -1, 10), ("days", 3, 10)])
def test_no_interval_where_the_counts_cannot_give_one(unit, numerator, denominator):
    assert u.interval(unit, numerator, denominator) is None


def test_a_balance_that_may_go_below_zero_gets_no_interval():
    assert u.interval("%", 5, 10, signed=True) is None


# ---------------------------------------------------------------- change between two periods

def test_a_change_of_one_in_a_few_hundred_is_no_clear_change():
    """'A change of one suspension is called worse' (issue 18): 1 of 263 then 2 of 263 per 100."""
    before, after = u.interval("rate per 100", 1, 263), u.interval("rate per 100", 2, 263)
    assert u.differ(2 / 263 * 100, after, 1 / 263 * 100, before) is False


def test_a_large_change_on_large_counts_is_clear():
    before, after = u.interval("%", 72, 403), u.interval("%", 24, 403)
    assert u.differ(24 / 403 * 100, after, 72 / 403 * 100, before) is True


def test_the_line_between_clear_and_not_clear():
    """Two proportions of 100: 50% against 36% differ at 95% (Newcombe's interval for the difference
    is about 0.4 to 27 points); 50% against 37% do not."""
    base = u.interval("%", 50, 100)
    assert u.differ(50, base, 36, u.interval("%", 36, 100)) is True
    assert u.differ(50, base, 37, u.interval("%", 37, 100)) is False


def test_without_counts_a_change_cannot_be_judged():
    assert u.differ(6.0, None, 17.8, u.interval("%", 72, 403)) is None


# ---------------------------------------------------------------- similar to England

def test_similar_where_the_comparator_lies_inside_the_interval():
    london = u.interval("%", 0, 26)
    assert london.contains(3.2) and london.contains(12.87) and not london.contains(13.0)
    assert not london.contains(None)


# ---------------------------------------------------------------- ranks and bands

def test_band_cuts_follow_the_quartile_bands_by_rank():
    goodness = [10, 9, 8, 7, 6, 5, 4, 3]  # 8 areas, best first: A = 10, 9; B = 8, 7; C = 6, 5; D = 4, 3
    cuts = u.band_cuts(goodness)
    assert cuts == (9, 7, 5)
    assert [u.band_index(g, cuts) for g in goodness] == [0, 0, 1, 1, 2, 2, 3, 3]
    assert u.band_index(8.5, cuts) == 1 and u.band_index(11, cuts) == 0 and u.band_index(2, cuts) == 3
    assert u.band_cuts([3, 2, 1]) == ()


@pytest.mark.parametrize("lower_band,upper_band,certain", [
    (3, 3, True), (2, 3, True), (0, 1, True), (1, 3, False), (0, 3, False), (0, 2, False)])
def test_a_rank_stands_only_within_its_own_band_and_one_next_to_it(lower_band, upper_band, certain):
    assert u.rank_is_certain(lower_band, upper_band) is certain


def test_interval_words():
    assert u.interval_words(u.interval("%", 0, 26), lambda v: f"{v:.1f}%") == "95% confidence interval 0.0% to 12.9%"
    assert u.interval_words(None, str) == ""
