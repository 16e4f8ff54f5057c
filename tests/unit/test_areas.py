import pytest

from scorecard.areas import AreaNotFound, name_key, strip_footnote


@pytest.mark.parametrize("a,b", [("County Durham", "Durham"), ("Bristol, City of", "Bristol"),
                                 ("St. Helens", "St Helens"), ("Kingston Upon Hull, City of", "Kingston upon Hull"),
                                 ("Bedford Borough", "Bedford"), ("Herefordshire, County of", "Herefordshire")])
def test_publishers_name_variants_meet(a, b):
    assert name_key(a) == name_key(b)


def test_city_of_london_is_not_london():
    assert name_key("City of London") != name_key("London")


def test_footnote_digits_come_off_names():
    assert strip_footnote("Northamptonshire7") == "Northamptonshire"
    assert strip_footnote("England Total4,9") == "England Total"
    assert strip_footnote("Bournemouth, Christchurch and Poole5") == "Bournemouth, Christchurch and Poole"


def test_resolve_by_code_number_name_and_alias(areas):
    assert areas.resolve("E06000026").name == "Plymouth"
    assert areas.resolve("879").name == "Plymouth"
    assert areas.resolve("plymouth").code == "E06000026"
    assert areas.resolve("Durham").code == areas.resolve("County Durham").code == "E06000047"
    assert areas.resolve("Bristol").code == "E06000023"
    # Old ONS codes of areas that kept their boundary resolve to today's code.
    assert areas.resolve("E10000023").code == "E06000065"
    assert areas.resolve("E10000002").code == "E06000060"


def test_153_current_las_and_boundary_history(areas):
    assert len(areas.current_las()) == 153
    cumbria = areas.get("E10000006")
    assert not cumbria.is_current and str(cumbria.valid_to) == "2023-03-31"
    assert {s for s, _ in areas.successors["E10000006"]} == {"E06000063", "E06000064"}
    assert areas.get("E06000063").valid_from.isoformat() == "2023-04-01"
    assert ("E10000021", "split") in areas.lineage("E06000061")


def test_unknown_area_says_how_to_name_one(areas):
    with pytest.raises(AreaNotFound, match="ONS code"):
        areas.resolve("Narnia")
