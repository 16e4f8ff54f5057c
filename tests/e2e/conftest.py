"""Browser tier: the real app, started with `streamlit run app.py` on a copy of the seeded store,
driven by Playwright in headless Chromium. Skipped, saying why, where there is no Chromium or no
Playwright."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from scorecard import config

ROOT = config.PROJECT_ROOT
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
START_TIMEOUT = 90  # seconds for the server to answer its health check
TIMEOUT_MS = 60_000  # for any one wait in the browser: generous, for slow CI machines


def chromium_path() -> str | None:
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    return shutil.which("chromium") or shutil.which("chromium-browser")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A running dashboard: its base URL, and its log for when something goes wrong."""

    def __init__(self, db_path: Path, log_path: Path, port: int | None = None, args: tuple[str, ...] = (),
                 env: dict[str, str] | None = None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.db_path = db_path
        path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
        env = {**os.environ, "SCORECARD_DB": str(db_path), "PYTHONPATH": path,
               "SCORECARD_LOG": str(log_path.with_name("scorecard.log")), **(env or {})}
        self._log = open(log_path, "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
             "--server.port", str(self.port), "--server.address", "127.0.0.1",
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none", *args],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT)

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the dashboard exited with code {self.process.returncode}:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.read().strip() == b"ok":
                        return
            except OSError:
                pass
            time.sleep(0.25)
        raise RuntimeError(f"the dashboard did not answer within {START_TIMEOUT}s:\n{self.log()}")

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)
        self._log.close()


def start_server(seeded_template: Path, folder: Path, **options) -> Server:
    """A dashboard on a copy of the seeded store; `options` go to Server (port, args, env)."""
    db_path = folder / "scorecard.duckdb"
    if not db_path.exists():
        shutil.copy(seeded_template, db_path)
    server = Server(db_path, folder / "streamlit.log", **options)
    try:
        server.wait_until_up()
    except Exception:
        server.stop()
        raise
    return server


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the whole browser tier."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need Playwright (pip install playwright)")
    sync_api.expect.set_options(timeout=TIMEOUT_MS)
    path = chromium_path()
    playwright = sync_api.sync_playwright().start()
    try:
        # Without a system Chromium, Playwright's own browser will do if `playwright install chromium` ran.
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
    except sync_api.Error as exc:
        playwright.stop()
        if path:
            raise
        pytest.skip("browser tests need Chromium: none at /usr/bin/chromium or `chromium` on PATH, and no "
                    f"Playwright browser installed ({str(exc).splitlines()[0]})")
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture(scope="session")
def app_server(chromium, seeded_template, tmp_path_factory):
    """The dashboard on the seeded store, shared by the read-only browser tests."""
    server = start_server(seeded_template, tmp_path_factory.mktemp("e2e_app"))
    yield server
    server.stop()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    yield tab
    context.close()
