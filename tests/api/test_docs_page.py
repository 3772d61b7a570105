"""The interactive documentation at /api/v1/docs: served from the app, nothing from a CDN.
(Rendered in Chromium: tests/browser/test_api_docs_in_the_browser.py.)"""

import re
from html.parser import HTMLParser

from sdp import PROJECT_ROOT

VENDOR = PROJECT_ROOT / "static" / "vendor" / "swagger-ui"


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
