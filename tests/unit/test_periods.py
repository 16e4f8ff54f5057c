from datetime import date

import pytest

from scorecard import periods as P


@pytest.mark.parametrize("text", ["Autumn 2025/26", "Autumn term 2025/26", "2025/26 Autumn", "autumn 2025-26",
                                  "Autumn term 2025/2026"])
def test_term_spellings_meet(text):
    p = P.parse(text)
    assert (p.label, p.kind, p.start, p.end) == ("Autumn 2025/26", "term", date(2025, 9, 1), date(2025, 12, 31))


@pytest.mark.parametrize("text,label,kind", [
    ("March 2026", "March 2026", "month"), ("Mar 2026", "March 2026", "month"),
    ("2025/26", "2025/26", "academic_year"), ("2025-26", "2025/26", "academic_year"),
    ("2024", "2024", "calendar_year"), ("FY 2024-25", "FY 2024-25", "financial_year"),
])
def test_other_periods(text, label, kind):
    p = P.parse(text)
    assert (p.label, p.kind) == (label, kind)


@pytest.mark.parametrize("pair,label", [
    (("202425", "Academic year"), "2024/25"), (("2024", "Calendar year"), "2024"),
    (("202526", "Autumn term"), "Autumn 2025/26"), (("202526", "Spring term"), "Spring 2025/26"),
    (("2025", "March"), "March 2025"),
])
def test_ees_pairs(pair, label):
    assert P.from_ees(*pair).label == label


@pytest.mark.parametrize("bad", ["", "Winter 2025/26", "2025/27", "202527", "13/2025", "someday"])
def test_nonsense_is_refused(bad):
    with pytest.raises(P.PeriodError):
        P.parse(bad)


def test_spring_and_summer_follow_autumn():
    autumn = P.parse("Autumn 2025/26")
    assert P.next_term(autumn).label == "Spring 2025/26"
    assert P.next_term(P.next_term(autumn)).label == "Summer 2025/26"
    assert P.previous_term(autumn).label == "Summer 2024/25"
    assert [p.label for p in P.terms_back(autumn, 3)] == ["Spring 2024/25", "Summer 2024/25", "Autumn 2025/26"]


def test_january_census_is_its_own_kind():
    p = P.january_census(2025)
    assert (p.label, p.kind, p.describe()) == ("January 2025", "census_date", "January 2025 census")


def test_term_for_date():
    assert P.term_for_date(date(2026, 11, 24)).label == "Autumn 2026/27"
    assert P.term_for_date(date(2026, 2, 1)).label == "Spring 2025/26"
    assert P.term_for_date(date(2026, 6, 1)).label == "Summer 2025/26"
