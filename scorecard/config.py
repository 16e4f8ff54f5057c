"""Where things live. Paths are resolved relative to the checkout, overridable by environment."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
SEED_DIR = DATA_DIR / "seed"
REGISTER_FILE = DATA_DIR / "metrics.toml"
SOURCES_FILE = DATA_DIR / "sources.toml"
BOUNDARY_FILE = DATA_DIR / "boundary_changes.csv"
DEFAULT_DB = DATA_DIR / "scorecard.duckdb"
# The raw published releases sit beside the checkout; never committed.
RAW_DATA_DIR = Path(os.environ.get("SCORECARD_RAW_DATA", PROJECT_ROOT.parent / "shared" / "data"))


def db_path(explicit: str | os.PathLike | None = None) -> str:
    """The store to use: an explicit path, else $SCORECARD_DB, else data/scorecard.duckdb."""
    if explicit:
        return str(explicit)
    return os.environ.get("SCORECARD_DB") or str(DEFAULT_DB)
