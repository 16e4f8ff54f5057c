"""Where things live. Paths are resolved relative to the checkout, overridable by environment."""

from __future__ import annotations

import os
from pathlib import Path

from .problems import UserProblem

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

PUBLIC_URL_ENV = "SCORECARD_PUBLIC_URL"
DEFAULT_PUBLIC_URL = "http://localhost:8501"  # where `scripts/dev.py run` serves the dashboard


class PublicUrlError(UserProblem, ValueError):
    """SCORECARD_PUBLIC_URL is set to something that is not a web address; str() is the sentence."""


def public_url() -> str:
    """The dashboard's address as its readers reach it, for the links in every pack: $SCORECARD_PUBLIC_URL
    (for example https://send-scorecard.plymouth.gov.uk), else the address the dashboard runs at locally."""
    value = os.environ.get(PUBLIC_URL_ENV, "").strip()
    if not value:
        return DEFAULT_PUBLIC_URL
    if not value.lower().startswith(("https://", "http://")) or any(c.isspace() for c in value) or "?" in value:
        raise PublicUrlError(f"{PUBLIC_URL_ENV} must be the dashboard's web address, starting https:// or http:// "
                             f"and without a query (for example https://scorecard.example.gov.uk), not {value!r}")
    return value.rstrip("/")

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
