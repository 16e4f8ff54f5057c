"""The committed seed is what the code builds from the raw releases, and the CLI serves it."""

import json


from scorecard import config, seed
from tests.conftest import raw_path


def test_committed_seed_is_rebuilt_byte_for_byte_from_the_raw_releases(tmp_path):
    raw_path("README.md")
    manifest = seed.build(config.RAW_DATA_DIR, tmp_path, log=lambda *_: None)
    committed = json.loads((config.SEED_DIR / "manifest.json").read_text())
    assert manifest == committed, "data/seed is stale: run `scorecard seed build` and commit the result"
    for name in seed.TABLES:
        assert (tmp_path / f"{name}.csv.gz").read_bytes() == (config.SEED_DIR / f"{name}.csv.gz").read_bytes()

