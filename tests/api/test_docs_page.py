"""The interactive documentation at /api/v1/docs: served from the app, nothing from a CDN."""

import re
import threading
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sdp import PROJECT_ROOT
from tests.conftest import ARTIFACTS, missing

VENDOR = PROJECT_ROOT / "static" / "vendor" / "swagger-ui"
SCREENSHOT = ARTIFACTS / "api-docs.png"  # for a person to look at


class Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls, self.inline_scripts, self._in_script = [], [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.urls += [attrs[name] for name in ("src", "href") if attrs.get(name)]
        self._in_script = tag == "script" and not attrs.get("src")

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline_scripts.append(data)

    def handle_endtag(self, tag):
        self._in_script = False


def test_the_docs_page_loads_only_assets_of_this_site(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = Assets()
    page.feed(response.get_data(as_text=True))
    assert page.inline_scripts == []  # a strict Content-Security-Policy allows no inline script
    assert "/api/v1/openapi.json" in page.urls
    for url in page.urls:
        if url == "data:,":
            continue  # no favicon: nothing requested at all
        assert url.startswith("/") and not url.startswith("//"), url
        assert client.get(url).status_code == 200, url
    assert 'data-spec-url="/api/v1/openapi.json"' in response.get_data(as_text=True)


def test_the_vendored_swagger_ui_is_complete_with_its_licence():
    for name in (
        "swagger-ui-bundle.js",
        "swagger-ui.css",
        "LICENSE",
        "NOTICE",
        "package.json",
        "VENDORED.md",
    ):
        assert (VENDOR / name).is_file(), name
    assert "Apache License" in (VENDOR / "LICENSE").read_text()
    version = re.search(r'"version": "([^"]+)"', (VENDOR / "package.json").read_text()).group(1)
    assert version in (VENDOR / "VENDORED.md").read_text()


def test_the_start_up_script_turns_off_the_online_validator():
    script = (PROJECT_ROOT / "static" / "api" / "docs.js").read_text()
    assert "validatorUrl: null" in script and "http" not in script


@pytest.fixture
def live_url(app):
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.mark.browser
def test_the_docs_page_renders_every_operation_in_chromium_without_leaving_the_site(live_url):
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        missing("Debian's Chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    SCREENSHOT.parent.mkdir(exist_ok=True)
    requested = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.on("request", lambda request: requested.append(request.url))
            page.goto(f"{live_url}/api/v1/docs")
            page.wait_for_selector(".opblock", timeout=30_000)
            text = page.inner_text("body").replace("\u200b", "")  # Swagger UI's line-break hints
            page.screenshot(path=str(SCREENSHOT), full_page=False)
        finally:
            browser.close()
    assert "Authorize" in text and "/api/v1/registry/persons" in text
    assert "/api/v1/applications/{application_id}/decision" in text
    assert requested and all(
        url.startswith(live_url) or url.startswith("data:") for url in requested
    ), requested
