"""The committed fixtures are what tests/fixtures/cut_fixtures.py cuts from the raw releases, byte
for byte: a maintainer can regenerate them, and nobody has edited them by hand."""

import importlib.util

from scorecard import config
from tests.conftest import FIXTURES, raw_path


def _cutter():
    spec = importlib.util.spec_from_file_location("cut_fixtures", FIXTURES / "cut_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_fixture_is_cut_again_byte_for_byte(tmp_path):
    raw_path("README.md")
    sizes = _cutter().cut_all(config.RAW_DATA_DIR, tmp_path)
    committed = {p.relative_to(FIXTURES).as_posix() for p in FIXTURES.rglob("*")
                 if p.is_file() and p.suffix != ".py" and "__pycache__" not in p.parts}
    assert set(sizes) == committed
    for relative in sorted(sizes):
        assert (tmp_path / relative).read_bytes() == (FIXTURES / relative).read_bytes(), \
            f"tests/fixtures/{relative} differs from a fresh cut: run tests/fixtures/cut_fixtures.py"
