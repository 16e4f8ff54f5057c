"""The committed fixtures stay small: a few rows of each real format, not copies of the releases."""

from tests.conftest import FIXTURES

BUDGET = 256 * 1024  # bytes, for every fixture together


def test_the_fixtures_are_small():
    files = [p for p in FIXTURES.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    assert len(files) >= 15
    total = sum(p.stat().st_size for p in files)
    assert total < BUDGET, f"tests/fixtures holds {total:,} bytes; keep it under {BUDGET:,}"
