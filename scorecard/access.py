"""Who may do what: the roles of an access file, the acting user (`Actor`), and `require`, which every
function that writes calls before it writes anything.

Roles, lowest first: anonymous (the public version only), viewer (everything on screen, changes
nothing), editor (local returns, targets, commentary, exception notes and priority areas for their own
areas), admin (everything: national releases, undo of any import, board measures, the audit trail).

The access file (named by $SCORECARD_ACCESS) is TOML:

    anonymous = "public"        # or "none": everyone must sign in
    [[users]]
    email = "officer@plymouth.gov.uk"   # or "*@plymouth.gov.uk" for a whole domain
    role = "editor"
    areas = ["E06000026"]               # ONS codes or names

A signed-in user who is not listed is a viewer; a user listed more than once gets the highest role
(and, as an editor, every area any matching entry gives). Pure: no Streamlit, no store.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .problems import UserProblem

ACCESS_ENV = "SCORECARD_ACCESS"

ANONYMOUS, VIEWER, EDITOR, ADMIN = "anonymous", "viewer", "editor", "admin"
ROLES = (ANONYMOUS, VIEWER, EDITOR, ADMIN)  # lowest first
LISTED_ROLES = (VIEWER, EDITOR, ADMIN)
ROLE_WORDS = {ANONYMOUS: "not signed in", VIEWER: "a viewer", EDITOR: "an editor", ADMIN: "an admin"}

# How the person reached the store.
SIGNED_IN, SINGLE_USER, COMMAND_LINE, NOT_SIGNED_IN = "signed in", "single-user", "command line", "not signed in"

PUBLIC, NONE = "public", "none"

# The actions that write, in the words of a refusal ("... so cannot <action> ...").
LOCAL_RETURN = "import a local return"
NATIONAL_IMPORT = "import a national release"
UNDO = "undo an import"
TARGETS = "change targets"
COMMENTARY = "write commentary or exception notes"
PRIORITIES = "change priority areas"
BOARD_METRICS = "define the board's own measures"
# The actions that read more than the public version.
VIEW_INTERNAL = "see internal commentary and unsuppressed figures"
VIEW_AUDIT = "see the audit trail"

WRITES = (LOCAL_RETURN, NATIONAL_IMPORT, UNDO, TARGETS, COMMENTARY, PRIORITIES, BOARD_METRICS)
# What an editor may do, for their own areas only.
EDITOR_ACTIONS = (LOCAL_RETURN, TARGETS, COMMENTARY, PRIORITIES, UNDO)
ADMIN_ONLY = (NATIONAL_IMPORT, BOARD_METRICS, VIEW_AUDIT)


class AccessRefused(UserProblem, PermissionError):
    """A change (or a view) the acting user may not make. str() is the sentence to show."""

    def __init__(self, message: str, actor: "Actor", action: str, area_code: str | None = None):
        super().__init__(message)
        self.actor, self.action, self.area_code = actor, action, area_code


class AccessFileError(UserProblem, ValueError):
    """The access file cannot be used; the sentence names the file and the entry."""


@dataclass(frozen=True)
class Actor:
    """The person a change is made by: who (an email, or an operating-system account), their role,
    the areas an editor may change (ONS codes), and how they reached the store."""

    identity: str
    role: str
    areas: frozenset[str] = field(default_factory=frozenset)
    how: str = SIGNED_IN

    def __post_init__(self):
        if self.role not in ROLES:
            raise ValueError(f"{self.role!r} is not a role: choose one of {', '.join(ROLES)}")
        object.__setattr__(self, "areas", frozenset(self.areas))

    def may(self, action: str, area_code: str | None = None) -> bool:
        if self.role == ADMIN:
            return True
        if action == VIEW_INTERNAL:
            return self.role in (VIEWER, EDITOR)
        if self.role != EDITOR or action not in EDITOR_ACTIONS:
            return False
        return area_code is not None and area_code in self.areas

    @property
    def is_signed_in(self) -> bool:
        return self.role != ANONYMOUS

    @property
    def label(self) -> str:
        """How the audit trail and 'imported by' name this person."""
        return self.identity if self.how != SINGLE_USER else f"dashboard ({self.identity})"

    def describe(self) -> str:
        """'officer@plymouth.gov.uk is an editor for E06000026' (for messages)."""
        words = f"{self.identity} is {ROLE_WORDS[self.role]}" if self.is_signed_in else "You are not signed in"
        if self.role == EDITOR:
            words += " for " + (", ".join(sorted(self.areas)) if self.areas else "no area")
        return words


def command_line(user: str | None = None) -> Actor:
    """The command line acts as an admin, named by the operating-system account that runs it."""
    return Actor(user or os_user(), ADMIN, how=COMMAND_LINE)


def single_user(user: str | None = None) -> Actor:
    """The dashboard without sign-in: whoever opens the page may change the figures."""
    return Actor(user or os_user(), ADMIN, how=SINGLE_USER)


def anonymous() -> Actor:
    return Actor("anonymous", ANONYMOUS, how=NOT_SIGNED_IN)


def os_user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


def require(actor: Actor, action: str, area_code: str | None = None, area_name: str | None = None) -> None:
    """Raise AccessRefused, in a plain sentence, unless the actor may do this (for this area)."""
    if actor.may(action, area_code):
        return
    where = f" for {area_name or area_code}" if area_code else ""
    if not actor.is_signed_in:
        message = f"You are not signed in, so you cannot {action}{where}. Sign in first."
    elif actor.role == VIEWER:
        message = f"{actor.identity} is a viewer, so cannot {action}{where}: viewers change nothing."
    elif actor.role == EDITOR and action in EDITOR_ACTIONS:
        mine = ", ".join(sorted(actor.areas)) or "no area"
        message = (f"{actor.identity} is an editor for {mine} only, so cannot {action}{where}. "
                   "Ask an admin if this area should be added to your access.")
    else:
        message = f"{actor.identity} is {ROLE_WORDS[actor.role]}, so cannot {action}: only an admin may."
    raise AccessRefused(message + (" Nothing was written." if action in WRITES else ""), actor, action, area_code)


# ---------------------------------------------------------------------------------------------
# The access file


@dataclass(frozen=True)
class Entry:
    pattern: str  # an email, or "*@domain"
    role: str
    areas: tuple[str, ...] = ()

    def matches(self, email: str) -> bool:
        email = email.strip().lower()
        if self.pattern.startswith("*@"):
            return email.endswith(self.pattern[1:])
        return email == self.pattern


@dataclass(frozen=True)
class AccessRules:
    anonymous: str = PUBLIC
    entries: tuple[Entry, ...] = ()

    @property
    def public_view(self) -> bool:
        return self.anonymous == PUBLIC

    def actor_for(self, email: str | None) -> Actor:
        """The signed-in user's Actor: the highest role of every matching entry (a viewer if none)."""
        if not email or not str(email).strip():
            return anonymous()
        email = str(email).strip()
        matching = [e for e in self.entries if e.matches(email)]
        role = max((e.role for e in matching), key=ROLES.index, default=VIEWER)
        areas = {a for e in matching if e.role == EDITOR for a in e.areas} if role == EDITOR else set()
        return Actor(email, role, frozenset(areas), SIGNED_IN)


def parse_access(text: str, where: str, resolve_area: Callable[[str], str] | None = None) -> AccessRules:
    """The rules of an access file's text. `resolve_area` turns a name or code into an ONS code (and
    raises UserProblem for one it does not know); without it, areas are kept as written."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise AccessFileError(f"{where} is not valid TOML ({exc}).") from None
    mode = str(data.get("anonymous", PUBLIC)).strip().lower()
    if mode not in (PUBLIC, NONE):
        raise AccessFileError(f'{where}: anonymous must be "public" or "none", not {data.get("anonymous")!r}.')
    users = data.get("users", [])
    if not isinstance(users, list):
        raise AccessFileError(f"{where}: users must be a list of [[users]] entries.")
    entries = [_entry(u, f"{where}, [[users]] entry {n}", resolve_area) for n, u in enumerate(users, start=1)]
    return AccessRules(mode, tuple(entries))


def _entry(raw, where: str, resolve_area) -> Entry:
    if not isinstance(raw, dict):
        raise AccessFileError(f"{where}: each entry needs email and role.")
    email = str(raw.get("email") or "").strip().lower()
    if not email or "@" not in email or (email.count("*") and not (email.startswith("*@") and email.count("*") == 1)):
        raise AccessFileError(f"{where}: email {raw.get('email')!r} is not an email address or \"*@domain\".")
    role = str(raw.get("role") or "").strip().lower()
    if role not in LISTED_ROLES:
        raise AccessFileError(f"{where} ({email}): role {raw.get('role')!r} is not one of {', '.join(LISTED_ROLES)}.")
    areas = raw.get("areas", [])
    if isinstance(areas, str):
        areas = [areas]
    if not isinstance(areas, list):
        raise AccessFileError(f"{where} ({email}): areas must be a list of ONS codes or names.")
    if role == EDITOR and not areas:
        raise AccessFileError(f"{where} ({email}): an editor needs areas, the ONS codes or names of the areas "
                              "they may change.")
    codes = []
    for area in areas:
        try:
            codes.append(resolve_area(str(area)) if resolve_area else str(area).strip())
        except UserProblem as exc:
            raise AccessFileError(f"{where} ({email}): {exc}") from None
    return Entry(email, role, tuple(codes))


def access_path() -> Path | None:
    value = os.environ.get(ACCESS_ENV, "").strip()
    return Path(value) if value else None


def load_access(resolve_area: Callable[[str], str] | None = None, path: Path | None = None) -> AccessRules:
    """The rules of the access file named by $SCORECARD_ACCESS; without one, signed-in users are viewers
    and anonymous visitors see the public version."""
    path = path or access_path()
    if path is None:
        return AccessRules()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        raise AccessFileError(f"The access file named by {ACCESS_ENV} ({path.name}) cannot be read.") from None
    return parse_access(text, path.name, resolve_area)


def refusals(actor: Actor, actions: Iterable[str], area_code: str | None = None) -> list[str]:
    """The actions of `actions` the actor may not take (for hiding what would be refused)."""
    return [a for a in actions if not actor.may(a, area_code)]
