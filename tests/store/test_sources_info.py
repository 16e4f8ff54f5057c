"""When each publication's next release is expected, and whether the store may be out of date,
judged on the releases really in the seeded store."""

from datetime import date

import pytest

from scorecard import queries, sources_info
from scorecard.sources_info import CURRENT, DUE, OVERDUE, UNSCHEDULED, freshness, next_expected

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize("last, month, expected", [
    (date(2025, 6, 26), 6, date(2026, 6, 1)),    # released in the cadence month: next year's
    (date(2026, 1, 1), 6, date(2026, 6, 1)),     # released earlier in the year: later that year
    (date(2024, 7, 18), 7, date(2025, 7, 1)),
    (date(2025, 12, 5), 1, date(2026, 1, 1)),    # across the new year
    (date(2025, 8, 1), 6, date(2026, 6, 1)),     # released late: the next cadence month
])
def test_next_release_is_the_first_cadence_month_after_the_last(last, month, expected):
    assert next_expected(last, month) == expected


def test_no_cadence_month_means_no_date():
    assert next_expected(date(2025, 6, 26), None) is None
    assert next_expected(None, 6) is None
    assert freshness(date(2025, 6, 26), None, TODAY) == UNSCHEDULED
    with pytest.raises(ValueError):
        next_expected(date(2025, 6, 26), 13)


def test_freshness_turns_when_the_expected_month_ends():
    last = date(2025, 6, 26)
    assert freshness(last, 6, date(2026, 5, 31)) == CURRENT
    assert freshness(last, 6, date(2026, 6, 1)) == DUE
    assert freshness(last, 6, date(2026, 6, 30)) == DUE
    assert freshness(last, 6, date(2026, 7, 1)) == OVERDUE


def test_the_seeded_store_is_judged_per_publication_on_its_newest_release(con):
    sources = queries.sources(con)
    statuses = {s.publication_id: s for s in sources_info.publication_status(sources, TODAY)}
    ehcp = statuses["dfe-ehcp"]
    # Two EHC plan releases are stored (2022 and 2025): the newest decides.
    assert ehcp.latest_release == "dfe-ehcp-2025" and ehcp.released == "June 2025"
    assert ehcp.next_expected == date(2026, 6, 1) and ehcp.status == OVERDUE
    assert "expected in June 2026, so these figures may be out of date" in ehcp.words
    assert statuses["dfe-exclusions"].next_expected == date(2025, 7, 1)
    # Before June 2026 the same store was up to date for EHC plans.
    earlier = {s.publication_id: s for s in sources_info.publication_status(sources, date(2026, 3, 1))}
    assert earlier["dfe-ehcp"].status == CURRENT
    assert "up to date (its newest release came out in June 2025); next expected June 2026" in earlier["dfe-ehcp"].words
    assert {s.publication_id for s in sources_info.out_of_date(sources, TODAY)} >= {"dfe-ehcp", "dfe-exclusions"}


def test_release_table_gives_coverage_licence_and_superseded_releases(con):
    table = sources_info.releases_table(queries.sources(con), TODAY)
    assert list(table.columns) == sources_info.RELEASE_COLUMNS
    by_title = table.set_index("title")
    new = by_title.loc["Education, health and care plans, reporting year 2025"]
    assert new["covers"] == "January 2019 to January 2025"
    assert new["next_expected"] == "June 2026 (may be out of date)"
    assert new["licence"] == "Open Government Licence v3.0"
    assert "Open Government Licence v3.0" in new["attribution"]
    assert new["current_figures"] > 0 and new["all_figures"] >= new["current_figures"]
    old = by_title.loc["Education, health and care plans, reporting year 2022"]
    assert old["next_expected"] == "superseded by a newer release in the store"
    assert old["covers"] == "January 2014 to December 2021"


def test_covers_words():
    assert sources_info.covers_words(date(2024, 1, 1), date(2024, 1, 31)) == "January 2024"
    assert sources_info.covers_words(None, None) == "no figures"
