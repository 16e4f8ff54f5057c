"""Backup signatures: an HMAC-SHA256 of a backup's manifest (which holds the SHA-256 of every table in
it), made with a key the deployment holds, so a backup changed after it was made cannot be restored as
if it were whole.

The key comes from the environment variable SCORECARD_BACKUP_KEY or, failing that, `signing_key` in
the `[backup]` section of the secrets file (`.streamlit/secrets.toml` in the checkout, or the file
named by SCORECARD_SECRETS). It is at least 32 characters (`python3 -c "import secrets;
print(secrets.token_urlsafe(32))"`). A signature names its key by a key id (an HMAC of a fixed text,
which reveals nothing of the key), so a backup signed with another deployment's key is told apart from
one that was changed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from . import config
from .problems import UserProblem

KEY_ENV = "SCORECARD_BACKUP_KEY"
SECRETS_ENV = "SCORECARD_SECRETS"
SIGNATURE = "manifest.sig"
ALGORITHM = "HMAC-SHA256"
MIN_KEY_CHARS = 32
_KEY_ID_TEXT = b"SEND Scorecard backup signing key id"

# What a backup's signature says, checked against this deployment's key.
VERIFIED = "verified"  # signed with this deployment's key, and unchanged since
CHANGED = "changed"  # signed with this deployment's key, but the manifest no longer matches the signature
OTHER_KEY = "other key"  # signed with a key that is not this deployment's
UNSIGNED = "unsigned"  # no signature (made without a key, or the signature removed)
NO_KEY = "no key"  # this deployment has no key, so nothing can be checked


class BackupKeyError(UserProblem, ValueError):
    """The backup signing key is configured but cannot be used; the sentence says where and why."""


def secrets_path() -> Path:
    """The secrets file: $SCORECARD_SECRETS, else .streamlit/secrets.toml in the checkout."""
    named = os.environ.get(SECRETS_ENV, "").strip()
    return Path(named) if named else config.PROJECT_ROOT / ".streamlit" / "secrets.toml"


def signing_key() -> bytes | None:
    """This deployment's backup signing key, or None when none is configured."""
    value = os.environ.get(KEY_ENV, "").strip()
    where = f"${KEY_ENV}"
    if not value:
        path = secrets_path()
        if not path.exists():
            return None
        try:
            secrets = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            raise BackupKeyError(f"the secrets file ({path.name}) cannot be read as TOML, so the backup signing key "
                                 "in it cannot be used; nothing was done") from None
        section = secrets.get("backup")
        value = str(section.get("signing_key") or "").strip() if isinstance(section, dict) else ""
        where = f"signing_key in the [backup] section of {path.name}"
    if not value:
        return None
    if len(value) < MIN_KEY_CHARS:
        raise BackupKeyError(f"the backup signing key ({where}) is {len(value)} characters long; it must be at least "
                             f"{MIN_KEY_CHARS} (python3 -c \"import secrets; print(secrets.token_urlsafe(32))\"). "
                             "Nothing was done")
    return value.encode("utf-8")


def key_id(key: bytes) -> str:
    """A short name for a key that reveals nothing of it."""
    return hmac.new(key, _KEY_ID_TEXT, hashlib.sha256).hexdigest()[:16]


def sign(manifest: bytes, key: bytes) -> bytes:
    """The signature document for a manifest's exact bytes."""
    return json.dumps({"algorithm": ALGORITHM, "key_id": key_id(key),
                       "signature": hmac.new(key, manifest, hashlib.sha256).hexdigest()}, indent=1).encode("utf-8")


@dataclass(frozen=True)
class Verdict:
    status: str  # VERIFIED, CHANGED, OTHER_KEY, UNSIGNED or NO_KEY
    words: str  # what it means, in a clause for a message and the audit trail
    key_id: str | None = None  # this deployment's key id, when it has a key

    @property
    def verified(self) -> bool:
        return self.status == VERIFIED


def verify(manifest: bytes, signature: bytes | None, key: bytes | None) -> Verdict:
    """What the backup's signature says about its manifest, against this deployment's key."""
    document = _read_signature(signature)
    if key is None:
        return Verdict(NO_KEY, "no backup signing key is configured here, so its signature cannot be checked"
                       + ("" if document else " (and it is not signed)"))
    if document is None:
        return Verdict(UNSIGNED, "it is not signed" if signature is None else "its signature cannot be read")
    if not hmac.compare_digest(str(document.get("key_id", "")), key_id(key)):
        return Verdict(OTHER_KEY, f"it was signed with another key (key id {str(document.get('key_id'))[:16]!r}, not "
                                  f"this deployment's {key_id(key)!r})")
    expected = hmac.new(key, manifest, hashlib.sha256).hexdigest()
    if document.get("algorithm") != ALGORITHM or not hmac.compare_digest(str(document.get("signature", "")), expected):
        return Verdict(CHANGED, "its signature does not verify: it was signed with this deployment's key, but its "
                                "manifest has been changed since")
    return Verdict(VERIFIED, f"its signature verifies with this deployment's key (key id {key_id(key)})", key_id(key))


def _read_signature(signature: bytes | None) -> dict | None:
    if signature is None:
        return None
    try:
        document = json.loads(signature)
    except (ValueError, UnicodeDecodeError):
        return None
    return document if isinstance(document, dict) else None
