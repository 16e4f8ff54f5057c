"""The rules of who may do what (scorecard.access): the access file, roles, areas and refusals."""

import pytest

from scorecard import access
from scorecard.access import ADMIN, EDITOR, VIEWER, Actor

pytestmark = pytest.mark.unit

PLYMOUTH, CORNWALL = "E06000026", "E06000052"

ACCESS_FILE = """
anonymous = "public"

[[users]]
email = "officer@plymouth.gov.uk"
role = "editor"
areas = ["E06000026"]

[[users]]
email = "*@plymouth.gov.uk"
role = "viewer"

[[users]]
email = "Chief@Plymouth.gov.uk"
role = "admin"

[[users]]
email = "officer@plymouth.gov.uk"
role = "editor"
areas = ["Cornwall"]
"""

NAMES = {"cornwall": CORNWALL, "plymouth": PLYMOUTH, PLYMOUTH.lower(): PLYMOUTH, CORNWALL.lower(): CORNWALL}


def resolve(text: str) -> str:
    try:
        return NAMES[text.strip().lower()]
    except KeyError:
        raise access.AccessFileError(f"unknown area {text!r}") from None


def rules(text: str = ACCESS_FILE) -> access.AccessRules:
    return access.parse_access(text, "access.toml", resolve)


def test_an_unlisted_signed_in_user_is_a_viewer():
    actor = rules().actor_for("someone@example.org")
    assert (actor.role, actor.areas, actor.how) == (VIEWER, frozenset(), access.SIGNED_IN)


def test_a_domain_entry_covers_everyone_at_it():
    assert rules().actor_for("clerk@plymouth.gov.uk").role == VIEWER


def test_the_highest_role_wins_whatever_the_order_or_case():
    assert rules().actor_for("chief@plymouth.gov.uk").role == ADMIN  # listed as admin and, by domain, viewer


def test_an_editor_listed_twice_may_change_every_area_listed():
    officer = rules().actor_for("officer@plymouth.gov.uk")
    assert officer.role == EDITOR and officer.areas == {PLYMOUTH, CORNWALL}


def test_areas_may_be_named_and_are_kept_as_ons_codes():
    officer = rules().actor_for("officer@plymouth.gov.uk")
    assert CORNWALL in officer.areas and "Cornwall" not in officer.areas


def test_no_email_is_anonymous():
    assert rules().actor_for(None).role == access.ANONYMOUS
    assert rules().actor_for("  ").role == access.ANONYMOUS


def test_anonymous_none_and_public():
    assert rules().public_view
    assert not rules('anonymous = "none"').public_view
    assert access.AccessRules().public_view  # no access file: the public version for visitors


@pytest.mark.parametrize("text, says", [
    ('anonymous = "everyone"', 'anonymous must be "public" or "none"'),
    ('[[users]]\nemail = "x@y.org"\nrole = "owner"', "role 'owner' is not one of viewer, editor, admin"),
    ('[[users]]\nemail = "not an email"\nrole = "viewer"', "is not an email address"),
    ('[[users]]\nemail = "a*b@y.org"\nrole = "viewer"', "is not an email address"),
    ('[[users]]\nemail = "x@y.org"\nrole = "editor"', "an editor needs areas"),
    ('[[users]]\nemail = "x@y.org"\nrole = "editor"\nareas = ["Atlantis"]', "unknown area 'Atlantis'"),
    ("users = [", "is not valid TOML"),
])
def test_a_bad_access_file_is_refused_naming_the_entry(text, says):
    with pytest.raises(access.AccessFileError, match=None) as caught:
        rules(text)
    assert says in str(caught.value) and "access.toml" in str(caught.value)


def test_the_file_is_named_by_the_environment(tmp_path, monkeypatch):
    path = tmp_path / "access.toml"
    path.write_text(ACCESS_FILE, encoding="utf-8")
    monkeypatch.setenv(access.ACCESS_ENV, str(path))
    assert access.load_access(resolve).actor_for("chief@plymouth.gov.uk").role == ADMIN
    monkeypatch.setenv(access.ACCESS_ENV, str(tmp_path / "missing.toml"))
    with pytest.raises(access.AccessFileError, match="missing.toml") as caught:
        access.load_access(resolve)
    assert str(tmp_path) not in str(caught.value)  # no server path
    monkeypatch.delenv(access.ACCESS_ENV)
    assert access.load_access(resolve) == access.AccessRules()


VIEWER_ACTOR = Actor("board@plymouth.gov.uk", VIEWER)
EDITOR_ACTOR = Actor("officer@plymouth.gov.uk", EDITOR, {PLYMOUTH})
ADMIN_ACTOR = Actor("chief@plymouth.gov.uk", ADMIN)
ANONYMOUS_ACTOR = access.anonymous()


@pytest.mark.parametrize("action", access.WRITES)
def test_who_may_write_what(action):
    for_area = action in access.EDITOR_ACTIONS
    assert ADMIN_ACTOR.may(action, PLYMOUTH) and ADMIN_ACTOR.may(action)
    assert not VIEWER_ACTOR.may(action, PLYMOUTH)
    assert not ANONYMOUS_ACTOR.may(action, PLYMOUTH)
    assert EDITOR_ACTOR.may(action, PLYMOUTH) is for_area
    assert not EDITOR_ACTOR.may(action, CORNWALL)
    assert not EDITOR_ACTOR.may(action)  # an editor's change is always for an area


def test_who_may_read_what():
    assert not ANONYMOUS_ACTOR.may(access.VIEW_INTERNAL)
    assert all(a.may(access.VIEW_INTERNAL) for a in (VIEWER_ACTOR, EDITOR_ACTOR, ADMIN_ACTOR))
    assert ADMIN_ACTOR.may(access.VIEW_AUDIT)
    assert not any(a.may(access.VIEW_AUDIT) for a in (ANONYMOUS_ACTOR, VIEWER_ACTOR, EDITOR_ACTOR))


@pytest.mark.parametrize("actor, action, area, says", [
    (EDITOR_ACTOR, access.LOCAL_RETURN, CORNWALL,
     "officer@plymouth.gov.uk is an editor for E06000026 only, so cannot import a local return for Cornwall."),
    (VIEWER_ACTOR, access.TARGETS, PLYMOUTH,
     "board@plymouth.gov.uk is a viewer, so cannot change targets for Plymouth: viewers change nothing."),
    (EDITOR_ACTOR, access.NATIONAL_IMPORT, None,
     "officer@plymouth.gov.uk is an editor, so cannot import a national release: only an admin may."),
    (ANONYMOUS_ACTOR, access.COMMENTARY, PLYMOUTH, "You are not signed in, so you cannot write commentary"),
])
def test_a_refusal_is_a_plain_sentence(actor, action, area, says):
    names = {PLYMOUTH: "Plymouth", CORNWALL: "Cornwall"}
    with pytest.raises(access.AccessRefused) as caught:
        access.require(actor, action, area, names.get(area))
    assert says in str(caught.value) and str(caught.value).endswith("Nothing was written.")
    assert (caught.value.actor, caught.value.action, caught.value.area_code) == (actor, action, area)


def test_the_command_line_and_single_user_mode_act_as_admins_named_by_the_account():
    cli = access.command_line("jo")
    assert (cli.role, cli.identity, cli.how, cli.label) == (ADMIN, "jo", access.COMMAND_LINE, "jo")
    laptop = access.single_user("jo")
    assert laptop.role == ADMIN and laptop.label == "dashboard (jo)"


def test_a_role_must_be_known():
    with pytest.raises(ValueError):
        Actor("x@y.org", "owner")


# ---------------------------------------------------------------------------------------------
# Identity: look-alike characters, unverified emails, malformed addresses (issue 17)

KELVIN = "\u212a"  # KELVIN SIGN: lower-cases, and NFKC-normalises, to a plain "k"
KIM_FILE = """
[[users]]
email = "kim@council.example"
role = "admin"

[[users]]
email = "*@council.example"
role = "viewer"
"""


def test_an_email_is_compared_after_nfkc_and_casefold():
    assert access.normalised_email("Kim@Council.Example") == "kim@council.example"
    assert rules(KIM_FILE).actor_for("KIM@council.example").role == ADMIN


def test_a_look_alike_address_is_not_the_admin_and_not_signed_in():
    posing = f"{KELVIN}im@council.example"
    assert posing.lower() == "kim@council.example"  # what the old comparison was fooled by
    with pytest.raises(access.EmailRefused, match="look-alike"):
        access.normalised_email(posing)
    actor = rules(KIM_FILE).actor_for(posing)
    assert actor.role == access.ANONYMOUS and not actor.is_signed_in
    assert "look-alike" in rules(KIM_FILE).refusal(posing)
    full_width = "ｋｉｍ@council.example"  # full-width letters fold to ASCII under NFKC
    assert rules(KIM_FILE).actor_for(full_width).role == access.ANONYMOUS
    assert rules(KIM_FILE).actor_for("kim@council.example").role == ADMIN


def test_a_look_alike_in_the_access_file_is_refused_naming_the_entry():
    with pytest.raises(access.AccessFileError, match="look-alike") as caught:
        rules(f'[[users]]\nemail = "{KELVIN}im@council.example"\nrole = "admin"')
    assert "entry 1" in str(caught.value)


@pytest.mark.parametrize("address", [
    "evil@elsewhere.example\n@council.example", "x\n@council.example", "kim@council.example\n",
    " kim@council.example", "kim @council.example", "kim@@council.example", "kim@council.example@evil.example",
    "<kim@council.example>", "kim@council", "kim@.council.example", "kim..x@council.example",
    "kim\x00@council.example", "kim@council.example\x1b[2J", "stra\u00dfe@council.example",
])
def test_only_a_well_formed_address_matches_anything(address):
    assert not access.is_well_formed(address)
    assert not any(e.matches(address) for e in rules(KIM_FILE).entries)
    assert rules(KIM_FILE).actor_for(address).role == access.ANONYMOUS


def test_a_wildcard_entry_matches_its_own_domain_only():
    wildcard = rules(KIM_FILE).entries[1]
    assert wildcard.matches("clerk@council.example")
    assert not wildcard.matches("clerk@evilcouncil.example") and not wildcard.matches("clerk@sub.council.example")


def test_an_email_the_provider_says_is_not_verified_is_not_signed_in():
    assert rules(KIM_FILE).actor_for("kim@council.example", False).role == access.ANONYMOUS
    assert rules(KIM_FILE).actor_for("kim@council.example", "false").role == access.ANONYMOUS
    assert "not verified" in rules(KIM_FILE).refusal("kim@council.example", False)
    assert rules(KIM_FILE).actor_for("kim@council.example", True).role == ADMIN
    assert rules(KIM_FILE).actor_for("kim@council.example", "true").role == ADMIN  # some providers send text


def test_a_missing_email_verified_claim_is_the_access_files_choice():
    assert rules(KIM_FILE).email_verified_missing == access.REFUSE  # the default: not signed in
    assert rules(KIM_FILE).actor_for("kim@council.example", None).role == access.ANONYMOUS
    assert "did not say whether" in rules(KIM_FILE).refusal("kim@council.example", None)
    trusting = rules('email_verified_missing = "trust"\n' + KIM_FILE)
    assert trusting.actor_for("kim@council.example", None).role == ADMIN
    assert trusting.actor_for("kim@council.example", False).role == access.ANONYMOUS  # false is still false
    with pytest.raises(access.AccessFileError, match='email_verified_missing must be "refuse" or "trust"'):
        rules('email_verified_missing = "maybe"\n' + KIM_FILE)
