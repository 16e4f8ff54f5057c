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

Emails are compared as `normalised_email` gives them (NFKC, then casefolded). An address that NFKC
changes (a look-alike such as the Kelvin sign for K), or that is not a well-formed address (a newline,
a space, two @), matches nothing: whoever holds it is not signed in. So is a person whose provider says
`email_verified = false`, and one whose provider says nothing about it unless the access file says
`email_verified_missing = "trust"`.
"""

from __future__ import annotations

import os
import re
import tomllib
import unicodedata
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
# What to do when the provider's ID token has no email_verified claim (the access file's choice).
REFUSE, TRUST = "refuse", "trust"

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


# A well-formed address, after normalisation: a dot-atom local part (RFC 5322, ASCII) and a domain of
# two or more labels of letters, digits and inner hyphens. Nothing else (spaces, newlines, quotes,
# brackets, a second @) is an address.
_LOCAL_PART = re.compile(r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_DOMAIN = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
MAX_EMAIL_CHARS = 254


class EmailRefused(ValueError):
    """An address that cannot name anyone: str() says why, in words."""


def normalised_email(raw: str) -> str:
    """The address as the access file and the audit trail compare it: NFKC, then casefolded. Raises
    EmailRefused for an address that NFKC changes (a look-alike character, such as the Kelvin sign
    U+212A for K, or full-width letters), that casefolding changes beyond lower case (ß), or that is
    not a well-formed address."""
    text = str(raw)  # not stripped: an address with a space or a line break around it is not well formed
    if unicodedata.normalize("NFKC", text) != text:
        raise EmailRefused("it holds a look-alike character (one that Unicode normalisation changes), so it "
                           "could pose as another address")
    folded = text.casefold()
    if folded != text.lower():
        raise EmailRefused("it holds a character that changes when compared without case (such as ß)")
    local, at, domain = folded.rpartition("@")
    if (not at or len(folded) > MAX_EMAIL_CHARS or len(local) > 64 or not _LOCAL_PART.fullmatch(local)
            or not _DOMAIN.fullmatch(domain)):
        raise EmailRefused("it is not a well-formed email address")
    return folded


def is_well_formed(raw: str) -> bool:
    try:
        normalised_email(raw)
    except EmailRefused:
        return False
    return True


@dataclass(frozen=True)
class Entry:
    pattern: str  # a normalised email, or "*@domain"
    role: str
    areas: tuple[str, ...] = ()

    def matches(self, email: str) -> bool:
        """Whether the entry covers `email`; only a well-formed address matches anything."""
        try:
            email = normalised_email(email)
        except EmailRefused:
            return False
        if self.pattern.startswith("*@"):
            return email.rpartition("@")[2] == self.pattern[2:]
        return email == self.pattern


@dataclass(frozen=True)
class AccessRules:
    anonymous: str = PUBLIC
    entries: tuple[Entry, ...] = ()
    # A provider that sends no email_verified claim: REFUSE (not signed in) unless the file says TRUST.
    email_verified_missing: str = REFUSE

    @property
    def public_view(self) -> bool:
        return self.anonymous == PUBLIC

    def refusal(self, email: str | None, email_verified=True) -> str | None:
        """Why a signed-in person with this email (and the provider's email_verified claim: True, False,
        or None when the provider sent none) is treated as not signed in, in a sentence; None if not."""
        if not email or not str(email).strip():
            return None
        shown = repr(str(email))
        try:
            normalised_email(email)
        except EmailRefused as why:
            return f"The email address your sign-in gave, {shown}, cannot be used: {why}. You are not signed in."
        if email_verified is None and self.email_verified_missing == TRUST:
            return None
        if email_verified is None:
            return (f"Your sign-in provider did not say whether {shown} is verified, so you are not signed in. "
                    "Ask whoever runs the dashboard.")
        if email_verified is not True and str(email_verified).strip().lower() != "true":
            return (f"Your sign-in provider says {shown} is not verified, so you are not signed in. Verify the "
                    "address with your provider, then sign in again.")
        return None

    def actor_for(self, email: str | None, email_verified=True) -> Actor:
        """The signed-in user's Actor: the highest role of every matching entry (a viewer if none).
        `email_verified` is the provider's claim (None when it sent none). An address that is not
        well formed or changes under normalisation, or one not verified, is not signed in."""
        if not email or not str(email).strip() or self.refusal(email, email_verified):
            return anonymous()
        email = normalised_email(email)
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
    missing = str(data.get("email_verified_missing", REFUSE)).strip().lower()
    if missing not in (REFUSE, TRUST):
        raise AccessFileError(f'{where}: email_verified_missing must be "refuse" or "trust", not '
                              f'{data.get("email_verified_missing")!r}.')
    users = data.get("users", [])
    if not isinstance(users, list):
        raise AccessFileError(f"{where}: users must be a list of [[users]] entries.")
    entries = [_entry(u, f"{where}, [[users]] entry {n}", resolve_area) for n, u in enumerate(users, start=1)]
    return AccessRules(mode, tuple(entries), missing)


def _entry(raw, where: str, resolve_area) -> Entry:
    if not isinstance(raw, dict):
        raise AccessFileError(f"{where}: each entry needs email and role.")
    written = str(raw.get("email") or "").strip()
    try:
        if "*" in written[1:] or (written.startswith("*") and not written.startswith("*@")):
            raise EmailRefused('"*" stands for any name only in "*@domain"')
        # "*@domain" is checked as the address "x@domain" would be.
        email = ("*@" + normalised_email("x" + written[1:]).partition("@")[2]) if written.startswith("*@") \
            else normalised_email(written)
    except EmailRefused as why:
        raise AccessFileError(f"{where}: email {raw.get('email')!r} is not an email address or \"*@domain\" "
                              f"({why}).") from None
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
