"""The browser tests lend one kept tab to test after test (KeptTabs in conftest.py): what one
test leaves in it must be gone before the next one gets it."""

import pytest

from tests.browser.conftest import BLANK_TAB, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.same_on_every_database]


def test_a_kept_tab_comes_back_with_nothing_of_the_last_test(kept_tabs, make_user):
    kind = "wiped between tests"
    tab = kept_tabs.take(kind, viewport={"width": 1100, "height": 900})
    try:
        sign_in(tab, make_user("intake_officer"))
        tab.goto("/cases/")
        tab.evaluate("localStorage.setItem('left', 'behind'); sessionStorage.setItem('a', 'b')")
        tab.route("**/static/**", lambda route: route.abort())  # no style sheet would load
        assert tab.context.cookies()

        kept_tabs.reset(kind)
        again = kept_tabs.take(kind, viewport={"width": 390, "height": 800})

        assert again is tab  # the same tab, not a new one
        assert again.url.endswith(BLANK_TAB) and again.viewport_size["width"] == 390
        assert again.context.cookies() == []
        assert again.evaluate("localStorage.length + sessionStorage.length") == 0
        again.goto("/cases/")
        assert "/sign-in" in again.url  # nobody signed in
        assert again.evaluate("""[...document.styleSheets].filter(sheet => {
            try { return sheet.cssRules.length } catch (blocked) { return false } }).length"""), (
            "a route of the last test still blocks the style sheets"
        )
    finally:
        kept_tabs.discard(kind)


def test_a_tab_whose_test_failed_is_not_lent_again(kept_tabs):
    kind = "failed"
    tab = kept_tabs.take(kind, viewport={"width": 1100, "height": 900})
    kept_tabs.discard(kind)  # what the page fixture does after a failed test
    assert tab.is_closed()
    fresh = kept_tabs.take(kind, viewport={"width": 1100, "height": 900})
    try:
        assert fresh is not tab and fresh.url.endswith(BLANK_TAB)
    finally:
        kept_tabs.discard(kind)
