"""End-to-end tests in a real Chromium (Debian's /usr/bin/chromium, driven by Playwright).

Reusable fixtures:
- ``live_server``: the app served by werkzeug in a thread, against the test database, with
  CSRF on (as in production); ``live_server.url("/path")``.
- ``browser``: one Chromium per test session; ``page`` (and ``page_without_javascript``): a blank
  tab with no cookies or site data, kept for the session and wiped between tests (``KeptTabs``).
- ``check_page(page, name)``: a screenshot into ``test-artifacts/`` and an axe-core run that
  must find no violation (WCAG 2.1 A/AA and axe's best practices); neither with
  ``SDP_PAGE_CHECKS=off`` (CI's PostgreSQL suite, see ``PAGE_CHECKS``).
- ``sign_in(page, user)``, ``sign_out(page)``.
- ``office``: one user per role of a case's walk (intake, supervisor, officer, decider).
"""

import os
import re
import threading
from pathlib import Path

import pytest

from sdp import create_app
from tests.conftest import ARTIFACTS, PASSWORD, in_ci
from tests.web.conftest import compile_catalogues

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
# check_page's screenshots show the screen; SDP_FULL_PAGE_SCREENSHOTS=1 takes whole pages.
FULL_PAGE_SCREENSHOTS = os.environ.get("SDP_FULL_PAGE_SCREENSHOTS") == "1"
# SDP_PAGE_CHECKS=off: check_page neither runs axe nor takes a screenshot. Both look at the HTML and
# its style sheets, which the database does not change, and they are a third of the browser tests'
# CPU: CI runs them in the SQLite suite and turns them off in the PostgreSQL one, which runs the
# same tests (every step and assertion of each, the database's part) at the same time.
PAGE_CHECKS = os.environ.get("SDP_PAGE_CHECKS", "on") != "off"
# Where a kept tab waits between tests (KeptTabs): a page of the live server, with its headers.
BLANK_TAB = "/blank-tab"


def artifacts_of(request) -> Path:
    """The test's folder under test-artifacts/: its screenshots, and what a failure showed."""
    folder = ARTIFACTS / re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def pytest_collection_modifyitems(items):
    # `make test` installs Chromium (or stops, saying how); run directly without it, the browser
    # tests skip with this reason, except in CI, where they run and fail.
    if os.path.exists(CHROMIUM) or in_ci():
        return
    skip = pytest.mark.skip(
        reason=f"{CHROMIUM} is not installed (apt-get install chromium; `make test` installs it)"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


class LiveServer:
    def __init__(self, app, host: str, port: int):
        self.app, self.host, self.port = app, host, port

    def url(self, path: str = "") -> str:
        return f"http://{self.host}:{self.port}{path}"


@pytest.fixture(scope="session")
def live_server(app):
    """The app in a thread on 127.0.0.1, on the same test database as ``app``."""
    import logging

    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(
        logging.WARNING
    )  # no line per request in the test output
    served = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "SECRET_KEY": app.config["SECRET_KEY"],
            "WTF_CSRF_ENABLED": True,
            "SESSION_COOKIE_SECURE": False,  # plain http on the loopback interface
            # The suite's limits, not production's: a worker's browser tests sign in from one
            # address faster than 30 times a minute, and a 429 would fail whichever came next
            # (seen on PostgreSQL). The limits have their own tests (tests/api/test_rate_limits.py).
            **{key: value for key, value in app.config.items() if key.startswith("SDP_RATELIMIT_")},
        }
    )
    served.add_url_rule(BLANK_TAB, "blank_tab", lambda: "<!doctype html><title>-</title>")
    server = make_server("127.0.0.1", 0, served, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield LiveServer(served, "127.0.0.1", server.server_port)
    server.shutdown()
    thread.join(timeout=10)
    with served.app_context():
        from sdp.extensions import db

        db.engine.dispose()


@pytest.fixture
def office(make_user):
    """The people who walk one case through the procedure, one per role."""
    return {
        "intake": make_user("intake_officer", name="Rosa Quispe"),
        "supervisor": make_user("supervisor", name="Elena Gutiérrez"),
        "officer": make_user("case_officer", name="Jorge Huamán Torres"),
        "decider": make_user("decision_maker", name="Carmen Salazar"),
    }


@pytest.fixture(scope="session", autouse=True)
def _catalogues_compiled():
    compile_catalogues()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.failed_in_call = report.failed


class KeptTabs:
    """Browser tabs kept for a worker's whole session, one per kind, each lent to one test at a
    time and wiped between tests.

    Opening a tab is the dearest thing Chromium does here: a new page (in a new context or not)
    starts two or three renderer processes, 1.3-1.5 CPU-seconds on a two-core machine, against
    about 0.2 s to load and fill a form in an open tab. So ``page`` and ``page_without_javascript``
    lend a kept tab, and ``reset`` leaves it as a new one would be: nothing of the last page, no
    cookies, no site data for the live server (storage, IndexedDB, caches, service workers), no
    routes; only the HTTP cache of the static files stays. It waits on a blank page of the site,
    not ``about:blank``: every page of the site says ``Cross-Origin-Opener-Policy: same-origin``,
    and Chromium starts a renderer process for each crossing of that line. After a failed test,
    or a reset that fails, the tab is closed and the next test opens its own.
    """

    def __init__(self, browser, live_server):
        self.browser, self.live_server = browser, live_server
        self.tabs: dict = {}  # kind -> page
        self.devtools: dict = {}  # kind -> its page's DevTools session, for what Playwright lacks

    def take(self, kind: str, *, viewport: dict, java_script_enabled: bool = True):
        page = self.tabs.get(kind)
        if page is None or page.is_closed():
            context = self.browser.new_context(
                base_url=self.live_server.url(),
                locale="es-PE",
                java_script_enabled=java_script_enabled,
            )
            context.set_default_timeout(15_000)
            page = self.tabs[kind] = context.new_page()
            self.devtools[kind] = context.new_cdp_session(page)
            page.goto(BLANK_TAB)
        page.set_viewport_size(viewport)
        return page

    def reset(self, kind: str) -> None:
        from playwright.sync_api import Error

        page = self.tabs.get(kind)
        if page is None:
            return
        try:
            page.unroute_all(behavior="ignoreErrors")
            page.goto(BLANK_TAB)
            page.context.clear_cookies()
            self.devtools[kind].send(
                "Storage.clearDataForOrigin",
                {"origin": self.live_server.url(), "storageTypes": "all"},
            )
        except Error:
            self.discard(kind)

    def discard(self, kind: str) -> None:
        page = self.tabs.pop(kind, None)
        self.devtools.pop(kind, None)
        if page is not None:
            page.context.close()

    def close(self) -> None:
        for kind in list(self.tabs):
            self.discard(kind)


@pytest.fixture(scope="session")
def kept_tabs(browser, live_server):
    tabs = KeptTabs(browser, live_server)
    yield tabs
    tabs.close()


def _kept_page(request, kept_tabs, kind: str, **options):
    page = kept_tabs.take(kind, **options)
    yield page
    if getattr(request.node, "failed_in_call", False):
        # What the browser showed when the test failed; the tab is not handed on.
        page.screenshot(path=str(artifacts_of(request) / "failure.png"), full_page=True)
        kept_tabs.discard(kind)
    else:
        kept_tabs.reset(kind)


@pytest.fixture
def page(request, kept_tabs):
    """A blank tab at 1100 px, JavaScript on, nobody signed in (a kept tab, wiped: KeptTabs)."""
    yield from _kept_page(request, kept_tabs, "javascript", viewport={"width": 1100, "height": 900})


@pytest.fixture
def page_without_javascript(request, kept_tabs):
    """A phone-width tab with JavaScript off: the forms must work without it."""
    for page in _kept_page(
        request,
        kept_tabs,
        "without javascript",
        viewport={"width": 390, "height": 900},
        java_script_enabled=False,
    ):
        page.javascript_disabled = True  # check_page runs axe (JavaScript) on a copy
        yield page


@pytest.fixture
def check_page(request, kept_tabs):
    """Screenshot the page into test-artifacts/<test>/ and assert axe-core finds no violation."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    folder = artifacts_of(request)
    counter = {"n": 0, "copies": 0}

    def check(page, name: str, accessibility: bool = True) -> Path | None:
        counter["n"] += 1
        if not PAGE_CHECKS:
            return None
        shot = folder / f"{counter['n']:02d}-{name}.png"
        # What the person sees first; the whole page (1.4-1.7 s for a long one) when asked for.
        page.screenshot(path=str(shot), full_page=FULL_PAGE_SCREENSHOTS)
        if accessibility:
            results = axe.run(
                _with_javascript(page) if getattr(page, "javascript_disabled", False) else page,
                # Violations only: axe skips detailing what passed (a third to a half of its time).
                options={
                    "runOnly": {"type": "tag", "values": AXE_TAGS},
                    "resultTypes": ["violations"],
                },
            )
            assert results.violations_count == 0, (
                f"{name} ({page.url}):\n{results.generate_report()}"
            )
        return shot

    def _with_javascript(page):
        # axe is JavaScript, and a promise awaited in a page with JavaScript off never settles
        # (Playwright waits for ever): axe checks the same HTML in a kept tab of its own with
        # JavaScript on, written into the site's blank page (so the same style sheets load, under
        # the same headers) rather than navigated to: a navigation answered by a route would
        # cost Chromium a renderer process for each copy (KeptTabs).
        html = page.content()
        copy = kept_tabs.take("axe copy", viewport=page.viewport_size)
        if not counter["copies"]:  # wiped once the test is over, like the test's own tab
            request.addfinalizer(lambda: kept_tabs.reset("axe copy"))
        counter["copies"] += 1
        copy.set_content(html)
        assert copy.evaluate("document.styleSheets.length") > 0, "the copy lost its style sheets"
        return copy

    return check


def sign_in(page, user, password: str = PASSWORD) -> None:
    page.goto("/sign-in")
    page.fill("#email", user.email)
    page.fill("#password", password)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    if page.url.endswith("/sign-in/enrol") or page.url.endswith("/sign-in/code"):
        import pyotp

        from tests.web.conftest import unused_code

        enrol = page.url.endswith("/sign-in/enrol")
        code = (
            pyotp.TOTP(page.text_content("#totp-secret").strip()).now()
            if enrol
            else unused_code(user)
        )
        page.fill("#code", code)
        page.locator("main button[type=submit]").click()
        page.wait_for_load_state()
    assert "/sign-in" not in page.url, f"{user.email} was not signed in: {page.url}"


def sign_out(page) -> None:
    page.locator("header form button[type=submit]").click()
    page.wait_for_load_state()


def fill_date(page, selector: str, day) -> None:
    """Type a date (a ``date`` or ISO text) into a GOV.UK date input (``#<field>``: its day,
    month and year inputs are ``#<field>-day``, ``-month``, ``-year``), as a person would."""
    from datetime import date

    day = date.fromisoformat(day) if isinstance(day, str) else day
    page.fill(f"{selector}-day", str(day.day))
    page.fill(f"{selector}-month", str(day.month))
    page.fill(f"{selector}-year", str(day.year))
