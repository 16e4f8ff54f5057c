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


WRITE_WAIT_ENV = "SCORECARD_WRITE_WAIT_SECONDS"
DEFAULT_WRITE_WAIT_SECONDS = 30.0


def write_wait_seconds() -> float:
    """How long a change waits for the store (another change being saved, a catalog another program
    has locked, a DuckDB file a command holds) before it gives up with a sentence, writing nothing:
    $SCORECARD_WRITE_WAIT_SECONDS, else 30."""
    try:
        return max(0.0, float(os.environ.get(WRITE_WAIT_ENV, "").strip() or DEFAULT_WRITE_WAIT_SECONDS))
    except ValueError:
        return DEFAULT_WRITE_WAIT_SECONDS
