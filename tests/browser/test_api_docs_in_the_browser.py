"""The interactive API documentation (/api/v1/docs) rendered in Chromium, from this site alone.

In the browser tests' own Chromium: a second Playwright started from another folder's test failed
("Sync API inside the asyncio loop") whenever a worker had already run a browser test."""

import pytest

from tests.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.same_on_every_database]

SCREENSHOT = ARTIFACTS / "api-docs.png"  # for a person to look at


def test_the_docs_page_renders_every_operation_in_chromium_without_leaving_the_site(
    page, live_server
):
    SCREENSHOT.parent.mkdir(exist_ok=True)
    requested = []

    def note(request):
        requested.append(request.url)

    page.on("request", note)
    page.goto("/api/v1/docs")
    page.wait_for_selector(".opblock", timeout=30_000)
    page.remove_listener("request", note)  # the tab is kept for the next test (KeptTabs)
    text = page.inner_text("body").replace("\u200b", "")  # Swagger UI's line-break hints
    page.screenshot(path=str(SCREENSHOT), full_page=False)
    assert "Authorize" in text and "/api/v1/registry/persons" in text
    assert "/api/v1/applications/{application_id}/decision" in text
    site = live_server.url()
    assert requested and all(
        url.startswith(site) or url.startswith("data:") for url in requested
    ), requested
