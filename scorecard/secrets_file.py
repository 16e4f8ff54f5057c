"""The deployment's secrets file: `.streamlit/secrets.toml` beside the project's Streamlit settings,
or the file named by $SCORECARD_SECRETS. Streamlit reads its `[auth]` section for sign-in; the
scorecard reads its `[postgres]` section, so a PostgreSQL catalog's password need not be written in
$SCORECARD_DB. Never committed; read again when it changes. Standard library only."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from . import config
from .problems import UserProblem

SECRETS_ENV = "SCORECARD_SECRETS"
DEFAULT_SECRETS = config.PROJECT_ROOT / ".streamlit" / "secrets.toml"

_read: dict[str, tuple[tuple[int, int], dict]] = {}  # path -> ((mtime, size), contents)


class SecretsFileError(UserProblem, ValueError):
    """The secrets file exists but cannot be read; the sentence names the file, never its contents."""


def path() -> Path:
    """$SCORECARD_SECRETS, else .streamlit/secrets.toml in the checkout."""
    named = os.environ.get(SECRETS_ENV, "").strip()
    return Path(named) if named else DEFAULT_SECRETS


def section(name: str) -> dict:
    """One `[name]` table of the secrets file, or {} when there is no file or no such table."""
    file = path()
    try:
        stat = file.stat()
    except OSError:
        return {}
    stamp = (stat.st_mtime_ns, stat.st_size)
    held = _read.get(str(file))
    if held is None or held[0] != stamp:
        try:
            contents = tomllib.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            # The parser's message quotes the line it stopped at, which may hold a secret: say only where.
            raise SecretsFileError(f"The secrets file ({file.name}) cannot be read as TOML. Nothing in it was "
                                   "used; correct it and try again.") from None
        held = (stamp, contents)
        _read[str(file)] = held
    value = held[1].get(name, {})
    return value if isinstance(value, dict) else {}
