"""Sign-in, roles and the audit trail in the browser, against a real OpenID Connect provider.

`oidc-provider-mock` (PyPI) runs on a loopback port with predefined users; the dashboard runs with
an [auth] secrets file pointing at it and an access file ($SCORECARD_ACCESS). The browser presses
Sign in, fills the provider's form, and Streamlit receives a real signed ID token. Each test's browser
context is a new visitor."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from scorecard import access, commentary, store

from .browser import IDLE, axe_violations, open_page, unlisted, wait_idle
from .conftest import ROOT, free_port, start_server

expect = pytest.importorskip("playwright.sync_api", reason="browser tests need Playwright").expect

PLYMOUTH, CORNWALL = "E06000026", "E06000052"
AREA = {"area": PLYMOUTH, "term": "Autumn 2026/27"}
USERS = {
    "viewer": {"sub": "viewer1", "email": "board@plymouth.example", "email_verified": True, "name": "Board Member"},
    "editor": {"sub": "editor1", "email": "editor@plymouth.example", "email_verified": True,
               "name": "Plymouth Officer"},
    "admin": {"sub": "admin1", "email": "admin@council.example", "email_verified": True, "name": "Council Admin"},
    # The admin's address, but the provider has not verified it: not signed in at all.
    "unverified": {"sub": "unverified1", "email": "admin@council.example", "email_verified": False,
                   "name": "Someone Else"},
}
ACCESS = """anonymous = "{anonymous}"

[[users]]
email = "editor@plymouth.example"
role = "editor"
areas = ["Plymouth"]

[[users]]
email = "admin@council.example"
role = "admin"
"""
INTERNAL_NOTE = "Internal only: the legal budget is under pressure."
PLYMOUTH_RETURN = "area,metric,period,value\nE06000026,perm_staff_pct,Autumn 2026/27,91\n"
CORNWALL_RETURN = "area,metric,period,value\nE06000052,perm_staff_pct,Autumn 2026/27,77\n"


def _provider_command() -> list[str]:
    script = Path(sys.executable).with_name("oidc-provider-mock")
    if script.exists():
        return [str(script)]
    found = shutil.which("oidc-provider-mock")
    if found:
        return [found]
    pytest.skip("the sign-in tests need oidc-provider-mock (pip install oidc-provider-mock)")


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    """A real OpenID Connect provider on a loopback port, with the users above."""
    command = _provider_command()
    port = free_port()
    log = open(tmp_path_factory.mktemp("oidc") / "provider.log", "wb")
    claims = [arg for user in USERS.values() for arg in ("--user-claims", json.dumps(user))]
    process = subprocess.Popen([*command, "--port", str(port), "--host", "127.0.0.1", *claims],
                               stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        if process.poll() is not None:
            log.close()
            pytest.skip(f"oidc-provider-mock could not start (exit code {process.returncode})")
        try:
            with urllib.request.urlopen(f"{url}/.well-known/openid-configuration", timeout=2):
                break
        except OSError:
            if time.monotonic() > deadline:
                process.terminate()
                pytest.skip("oidc-provider-mock did not answer within 30 s")
            time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(timeout=15)
    log.close()


def _prepare_store(seeded_template: Path, folder: Path) -> None:
    """The seeded store with an internal-only comment on Plymouth's scorecard (the public must not see it)."""
    db_path = folder / "scorecard.duckdb"
    shutil.copy(seeded_template, db_path)
    con = store.connect(str(db_path))
    commentary.add(con, PLYMOUTH, "mediation_requests", "Autumn 2026/27", INTERNAL_NOTE,
                   actor=access.command_line("setup"), internal=True)
    con.close()


def _signed_in_server(seeded_template, folder: Path, provider_url: str, anonymous: str = "public"):
    _prepare_store(seeded_template, folder)
    port = free_port()
    secrets = folder / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "a-long-random-string-for-the-test-only"\n'
        'client_id = "send-scorecard"\n'
        'client_secret = "test-secret"\n'
        f'server_metadata_url = "{provider_url}/.well-known/openid-configuration"\n', encoding="utf-8")
    access_file = folder / "access.toml"
    access_file.write_text(ACCESS.format(anonymous=anonymous), encoding="utf-8")
    server = start_server(seeded_template, folder, port=port, args=("--secrets.files", str(secrets)),
                          env={access.ACCESS_ENV: str(access_file)})
    server.access_file = access_file
    return server


@pytest.fixture(scope="module")
def signed_in_server(chromium, seeded_template, provider, tmp_path_factory):
    server = _signed_in_server(seeded_template, tmp_path_factory.mktemp("e2e_sign_in"), provider)
    yield server
    server.stop()


SUPPRESSED = re.compile(r"^\s*c\s*$")


def _mediation_row(page):
    return page.locator("tr").filter(has_text="Requests going to mediation").first


def _sidebar_pages(page) -> list[str]:
    return [t.strip().split("\n")[-1] for t in page.get_by_test_id("stSidebarNavLink").all_inner_texts()]


def signed_in(email: str) -> str:
    """The sidebar's line, as plain text shows an address: a word joiner after @ so it is no link."""
    return "Signed in as " + email.replace("@", "@\u2060")


def sign_in(page, server, who: str) -> None:
    """Press Sign in, type the user's subject into the provider's form, and come back signed in."""
    open_page(page, server, **AREA)
    page.get_by_role("button", name="Sign in").first.click()
    page.locator('input[name="sub"]').fill(USERS[who]["sub"])
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{server.url}/**")
    page.locator(IDLE).wait_for(state="attached")
    wait_idle(page)
    expect(page.get_by_text(signed_in(USERS[who]["email"]), exact=False)).to_be_visible()


def test_an_unverified_email_is_not_signed_in_even_as_the_admins_address(page, signed_in_server):
    open_page(page, signed_in_server, **AREA)
    page.get_by_role("button", name="Sign in").first.click()
    page.locator('input[name="sub"]').fill(USERS["unverified"]["sub"])
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{signed_in_server.url}/**")
    page.locator(IDLE).wait_for(state="attached")
    wait_idle(page)
    expect(page.get_by_text("is not verified, so you are not signed in", exact=False)).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert "Audit trail" not in _sidebar_pages(page) and "Local returns" not in _sidebar_pages(page)
    expect(page.locator("body")).not_to_contain_text(INTERNAL_NOTE)  # the public version only
    _no_traceback(page)


def _no_traceback(page) -> None:
    text = page.locator("body").inner_text()
    assert "Traceback" not in text and str(ROOT) not in text


def test_an_anonymous_visitor_sees_the_public_version_and_cannot_upload(page, signed_in_server):
    open_page(page, signed_in_server, **AREA)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    assert _sidebar_pages(page) == ["Scorecard", "Trends", "Compare", "Data and sources", "Accessibility statement"]
    body = page.locator("body")
    expect(body).not_to_contain_text(INTERNAL_NOTE)
    expect(body).not_to_contain_text("Single-user mode")
    # Plymouth's mediation requests are a count below 5 in the latest year: "c" in the public version.
    expect(_mediation_row(page).locator("td", has_text=SUPPRESSED)).not_to_have_count(0)
    assert page.get_by_role("switch", name="Public version", exact=False).count() == 0  # always public
    assert unlisted(axe_violations(page)) == []  # the public scorecard, cards and sparklines included
    expect(page.locator("img.sc-spark").first).to_have_attribute("alt", re.compile(r"^Trend over \d+ periods: from "))
    # A deep link to the board's pages is not served to a visitor who is not signed in.
    open_page(page, signed_in_server, "local_data", **AREA)
    assert page.locator('[data-testid="stFileUploader"]').count() == 0
    expect(page.get_by_role("heading", name="Local returns")).to_have_count(0)
    open_page(page, signed_in_server, "data_sources")
    expect(page.get_by_role("button", name="Undo this batch")).to_have_count(0)
    _no_traceback(page)


def test_a_viewer_sees_everything_and_changes_nothing(page, signed_in_server):
    sign_in(page, signed_in_server, "viewer")
    expect(page.get_by_text(signed_in("board@plymouth.example") + ": a viewer.")).to_be_visible()
    expect(page.locator("body")).to_contain_text(INTERNAL_NOTE)
    expect(_mediation_row(page).locator("td", has_text=SUPPRESSED)).to_have_count(0)
    assert "Audit trail" not in _sidebar_pages(page)
    open_page(page, signed_in_server, "local_data", **AREA)
    expect(page.get_by_text("You are signed in as a viewer", exact=False)).to_be_visible()
    assert page.locator('[data-testid="stFileUploader"]').count() == 0
    open_page(page, signed_in_server, "targets", **AREA)
    expect(page.get_by_role("button", name="Save the target")).to_have_count(0)
    expect(page.get_by_role("button", name="Save commentary")).to_have_count(0)
    _no_traceback(page)


def _upload(page, path) -> None:
    page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(str(path))


def test_an_admin_reads_the_audit_trail(page, signed_in_server):
    sign_in(page, signed_in_server, "admin")
    assert "Audit trail" in _sidebar_pages(page)
    open_page(page, signed_in_server, "audit_trail")
    expect(page.get_by_role("heading", name="Audit trail")).to_be_visible()
    expect(page.get_by_role("button", name="Download the audit trail (CSV)")).to_be_visible()
    trail = page.get_by_role("table", name="Audit trail")
    expect(trail.get_by_role("row").filter(has_text="setup").filter(has_text="commentary")).to_have_count(1)
    open_page(page, signed_in_server, "data_sources")  # only the seed so far: nothing an admin could undo
    expect(page.get_by_text("No batch can be undone here: only the seed has been imported.")).to_be_visible()
    _no_traceback(page)


def test_no_one_but_an_admin_reaches_the_audit_trail(page, signed_in_server):
    sign_in(page, signed_in_server, "viewer")
    open_page(page, signed_in_server, "audit_trail")
    expect(page.get_by_role("heading", name="Audit trail")).to_have_count(0)


def test_anonymous_none_asks_everyone_to_sign_in(page, signed_in_server):
    original = signed_in_server.access_file.read_text(encoding="utf-8")
    signed_in_server.access_file.write_text(ACCESS.format(anonymous="none"), encoding="utf-8")
    try:
        page.goto(f"{signed_in_server.url}/?area={PLYMOUTH}")
        page.locator(IDLE).wait_for(state="attached")
        wait_idle(page)
        expect(page.get_by_text("Sign in to see the scorecard.", exact=False)).to_be_visible()
        expect(page.get_by_role("button", name="Sign in")).to_be_visible()
        expect(page.locator("body")).not_to_contain_text("Plymouth: SEND scorecard")
        assert unlisted(axe_violations(page)) == []
        page.goto(f"{signed_in_server.url}/compare?area={PLYMOUTH}")
        page.locator(IDLE).wait_for(state="attached")
        wait_idle(page)
        expect(page.get_by_role("heading", name="Compare", exact=False)).to_have_count(0)
        expect(page.get_by_text("Sign in to see the scorecard.", exact=False)).to_be_visible()
    finally:
        signed_in_server.access_file.write_text(original, encoding="utf-8")


@pytest.fixture
def editor_server(chromium, seeded_template, provider, tmp_path):
    """A dashboard of its own: the editor writes to its store, and the command line reads it after."""
    server = _signed_in_server(seeded_template, tmp_path, provider)
    yield server
    server.stop()


def test_plymouths_editor_commits_plymouth_and_is_refused_for_cornwall(page, editor_server, tmp_path):
    sign_in(page, editor_server, "editor")
    expect(page.get_by_text(signed_in("editor@plymouth.example") + ": an editor for Plymouth.")).to_be_visible()
    assert "Audit trail" not in _sidebar_pages(page)

    open_page(page, editor_server, "local_data", **AREA)
    plymouth = tmp_path / "plymouth.csv"
    plymouth.write_text(PLYMOUTH_RETURN, encoding="utf-8")
    _upload(page, plymouth)
    page.get_by_role("button", name="Confirm and import").click()
    expect(page.get_by_text("Imported as batch 2: 1 new, 0 revised", exact=False)).to_be_visible()

    open_page(page, editor_server, "local_data", area=CORNWALL, term=AREA["term"])
    cornwall = tmp_path / "cornwall.csv"
    cornwall.write_text(CORNWALL_RETURN, encoding="utf-8")
    _upload(page, cornwall)
    expect(page.get_by_text("cornwall.csv was not imported: 1 row(s)", exact=False)).to_be_visible()
    expect(page.get_by_text("cannot import a local return for Cornwall", exact=False).first).to_be_visible()
    expect(page.get_by_role("button", name="Confirm and import")).to_have_count(0)

    open_page(page, editor_server, "targets", area=CORNWALL, term=AREA["term"])
    expect(page.get_by_role("button", name="Save the target")).to_have_count(0)
    _no_traceback(page)
    editor_server.stop()  # the command line opens the store once the dashboard lets it go

    con = store.connect(str(editor_server.db_path), read_only=True)
    try:
        figures = dict(con.execute(
            "SELECT area_code, value FROM metric_value WHERE metric_id = 'perm_staff_pct' "
            "AND period_label = 'Autumn 2026/27' AND is_current").fetchall())
    finally:
        con.close()
    assert figures.get(PLYMOUTH) == 91 and CORNWALL not in figures  # nothing written for Cornwall

    audit = subprocess.run([sys.executable, "-m", "scorecard.cli", "--db", str(editor_server.db_path), "audit",
                            "--user", USERS["editor"]["email"], "--format", "csv"],
                           capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert audit.returncode == 0, audit.stderr
    lines = audit.stdout.splitlines()
    imported = [line for line in lines if ",import," in line]
    refused = [line for line in lines if ",refused," in line]
    assert imported and "editor@plymouth.example" in imported[0] and "plymouth.csv" in imported[0]
    assert refused and "cornwall.csv" in refused[0] and "Cornwall" in refused[0]


def test_single_user_mode_says_anyone_can_change_the_figures(page, app_server):
    """No [auth] in the secrets: the dashboard starts as before, with the banner and no Sign in button."""
    open_page(page, app_server, **AREA)
    expect(page.get_by_text("Single-user mode: anyone who can open this page can change the figures. Set up "
                            "sign-in before sharing it.")).to_be_visible()
    assert page.get_by_role("button", name="Sign in").count() == 0
    assert "Local returns" in _sidebar_pages(page)
