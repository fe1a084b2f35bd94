"""Browser tests: the real app on 127.0.0.1 and headless Chromium, skipped when either is missing.

Chromium is Debian's (`apt-get install chromium`), driven by Playwright for Python; axe-core comes
from npm (`npm ci --prefix tests/e2e`). Playwright never downloads a browser here.
"""

import importlib.util
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.conftest import TEST_DATABASE_URL, create_scratch_database, drop_scratch_database
from tests.e2e.site import DESKTOP

E2E_DIR = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
AXE_SCRIPT = E2E_DIR / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = E2E_DIR / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these Chromium phones Google at start; the tests allow no other origin.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _missing_browser() -> str | None:
    if importlib.util.find_spec("playwright") is None:
        return "Playwright for Python is not installed (pip install -e '.[e2e]')"
    if not os.access(CHROMIUM, os.X_OK):
        return f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    return None


def _missing_axe() -> str | None:
    if not AXE_SCRIPT.exists():
        return "axe-core is not installed (npm ci --prefix tests/e2e)"
    return None


_skipped_because: set[str] = set()


def pytest_collection_modifyitems(config, items):
    """Mark every browser test `e2e`; skip them, saying why, when the browser is not there.

    With E2E_REQUIRED set (CI sets it, having installed both), a missing piece is an error.
    """
    browser_missing, axe_missing = _missing_browser(), _missing_axe()
    for item in items:
        if E2E_DIR not in Path(item.fspath).parents:
            continue
        item.add_marker(pytest.mark.e2e)
        reason = browser_missing or (axe_missing if "axe" in item.fixturenames else None)
        if reason and os.environ.get("E2E_REQUIRED"):
            raise pytest.UsageError(f"E2E_REQUIRED is set but {reason}")
        if reason:
            _skipped_because.add(reason)
            item.add_marker(pytest.mark.skip(reason=f"browser tests skipped: {reason}"))


def pytest_terminal_summary(terminalreporter):
    for reason in sorted(_skipped_because):
        terminalreporter.write_line(f"browser tests skipped: {reason}", yellow=True)


@pytest.fixture(scope="session")
def live_server():
    """The app served by `flask run` on a free port, on its own database and index."""
    from tests.e2e.server import LiveServer

    workdir = Path(tempfile.mkdtemp(prefix="movement-notes-e2e-"))
    database_url = create_scratch_database(TEST_DATABASE_URL) if TEST_DATABASE_URL else None
    server = LiveServer(workdir, database_url)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        if database_url:
            drop_scratch_database(TEST_DATABASE_URL, database_url)
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def api(live_server):
    from tests.e2e.api import Api

    return Api(live_server.url)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Browsing:
    """Opens pages in fresh contexts that are watched for anything forbidden."""

    def __init__(self, browser, server, signed_in_states: dict):
        self._browser = browser
        self._server = server
        self._signed_in_states = signed_in_states
        self._sessions = []
        self._log_start = len(server.log())

    def page(self, viewport=DESKTOP, bypass_csp=False, user: str | None = None):
        """A new page in its own context (own cookies): one member, one tab.

        With `user`, the page starts signed in as that member (password: the tests' default,
        or the moderator's); the sign-in itself goes through /login once per run.
        """
        from tests.e2e.watch import Watch

        context = self._browser.new_context(
            base_url=self._server.url,
            viewport=viewport,
            bypass_csp=bypass_csp,
            storage_state=self._signed_in_state(user) if user else None,
        )
        context.set_default_timeout(10_000)
        watch = Watch(self._server.url)
        watch.attach(context)
        page = context.new_page()
        self._sessions.append((context, watch))
        return page

    def _signed_in_state(self, user: str) -> dict:
        from tests.e2e.api import PASSWORD
        from tests.e2e.pages import sign_in
        from tests.e2e.server import MODERATOR

        if user not in self._signed_in_states:
            page = self.page()
            sign_in(page, user, MODERATOR[1] if user == MODERATOR[0] else PASSWORD)
            self._signed_in_states[user] = page.context.storage_state()
        return self._signed_in_states[user]

    def watch(self, page):
        """The watch of the context `page` belongs to."""
        return next(watch for context, watch in self._sessions if context is page.context)

    def problems(self) -> list[str]:
        problems = [problem for _, watch in self._sessions for problem in watch.problems]
        if "Traceback" in self._server.log()[self._log_start :]:
            problems.append("the server logged a traceback:\n" + self._server.log()[-3000:])
        return problems

    def close(self) -> None:
        for context, _ in self._sessions:
            context.close()


@pytest.fixture(scope="session")
def signed_in_states():
    """Cookies of members already signed in, by username, shared by every test."""
    return {}


@pytest.fixture
def browsing(browser, live_server, signed_in_states):
    """Pages for one test; at its end, nothing forbidden may have happened on any of them."""
    session = Browsing(browser, live_server, signed_in_states)
    yield session
    problems = session.problems()
    session.close()
    assert not problems, "\n".join(problems)


@pytest.fixture(scope="session")
def showcase(api):
    """A small community (see site.py) behind the main pages; returns the ids pages need."""
    from tests.e2e.site import seed_showcase

    return seed_showcase(api)


@pytest.fixture
def axe():
    """The path of axe-core's script, to inject into pages."""
    return AXE_SCRIPT


@pytest.fixture(scope="session")
def screenshots():
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS
