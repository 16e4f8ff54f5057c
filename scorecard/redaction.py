"""Secrets never pass outward. Every message that leaves the program (a page's error box, the
command line's output, the server log, a row of the audit trail) goes through `redact`, whatever
produced it: DuckDB repeats a PostgreSQL connection string, password and all, in its own errors.

Two nets: the shapes a secret takes in text (`password=…` in a libpq connection string, quoted or
not; `user:password@` in a URI; `"password": "…"`), and every secret value this deployment holds
(the password in $SCORECARD_DB, $PGPASSWORD, the secrets file's [postgres] and [auth] secrets, a
MotherDuck token), wherever it appears. Standard library only, and it never fails."""

from __future__ import annotations

import io
import os
import re
import time

HIDDEN = "…"
# Keys whose values are secrets, in a connection string or a settings file.
_KEYS = r"password|passwd|sslpassword|motherduck_token|token|client_secret|cookie_secret"
_KEY_VALUE = re.compile(r"(?i)\b(" + _KEYS + r")(\s*=\s*)('(?:[^'\\]|\\.)*'?|\"(?:[^\"\\]|\\.)*\"?|[^\s'\",;)]+)")
_QUOTED_KEY = re.compile(r"(?i)([\"'](?:" + _KEYS + r")[\"']\s*:\s*)(\"(?:[^\"\\]|\\.)*\"?|'(?:[^'\\]|\\.)*'?)")
_URI_PASSWORD = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^:/@\s\"']+):([^@\s\"']+)@")
_MIN_SECRET = 4  # shorter values are not searched for (they would blank out ordinary words)
_ENV_SECRETS = ("PGPASSWORD", "MOTHERDUCK_TOKEN", "motherduck_token")
_remembered: set[str] = set()  # from connection strings given otherwise (--db)


def remember_connection(target) -> None:
    """Search for the secrets of this connection string too (a store named by --db)."""
    if target:
        _remembered.update(s for s in _from_connection_string(str(target)) if len(s) >= _MIN_SECRET)


def _from_connection_string(text: str) -> list[str]:
    return [_unquote(m.group(3)) for m in _KEY_VALUE.finditer(text)] + \
        [m.group(2) for m in _URI_PASSWORD.finditer(text)]


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1].replace("\\'", "'").replace('\\"', '"').replace("\\\\", "\\")
    return value


_known: tuple[float, tuple, list[str]] | None = None  # (when made, what from, the list)


def known_secrets() -> list[str]:
    """Every secret value this process knows of, longest first. Made again when the environment or
    --db changes, and the secrets file is looked at again at most once a second: every line printed asks."""
    global _known
    basis = (tuple(os.environ.get(name, "") for name in (*_ENV_SECRETS, "SCORECARD_DB", "SCORECARD_SECRETS")),
             len(_remembered))
    now = time.monotonic()
    if _known is None or _known[1] != basis or now - _known[0] >= 1.0:
        _known = (now, basis, _gather_secrets())
    return _known[2]


def _gather_secrets() -> list[str]:
    found = [os.environ.get(name, "") for name in _ENV_SECRETS] + list(_remembered)
    found += _from_connection_string(os.environ.get("SCORECARD_DB", ""))
    try:
        from . import secrets_file

        for name, keys in (("postgres", ("password",)), ("auth", ("client_secret", "cookie_secret"))):
            table = secrets_file.section(name)
            found += [str(table[k]) for k in keys if table.get(k)]
            for provider in (v for v in table.values() if isinstance(v, dict)):  # [auth.provider] tables
                found += [str(provider[k]) for k in keys if provider.get(k)]
    except Exception:  # an unreadable secrets file holds nothing we can search for; never fail here
        pass
    return sorted({s for s in found if len(s) >= _MIN_SECRET}, key=len, reverse=True)


def redact(text, extra: tuple[str, ...] | list[str] = ()) -> str:
    """`text` with every secret replaced by "…"."""
    if text is None:
        return text
    text = str(text)
    for secret in [*sorted((s for s in extra if s and len(s) >= _MIN_SECRET), key=len, reverse=True),
                   *known_secrets()]:
        if secret in text:
            text = text.replace(secret, HIDDEN)
    if "=" in text:
        text = _KEY_VALUE.sub(lambda m: m.group(1) + m.group(2) + HIDDEN, text)
    if ":" in text:
        text = _QUOTED_KEY.sub(lambda m: m.group(1) + '"' + HIDDEN + '"', text)
        if "://" in text:
            text = _URI_PASSWORD.sub(lambda m: m.group(1) + ":" + HIDDEN + "@", text)
    return text


class RedactingStream(io.TextIOBase):
    """A text stream (the command line's stdout or stderr) that redacts everything written to it."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(redact(text))
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def fileno(self) -> int:
        return self._stream.fileno()

    def isatty(self) -> bool:
        return self._stream.isatty()

    @property
    def encoding(self):
        return getattr(self._stream, "encoding", "utf-8")

    def writable(self) -> bool:
        return True
