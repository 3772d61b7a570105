"""Changing one's own password in Chromium: reached from the header, errors beside the fields,
checked by axe."""

import pytest

from tests.conftest import PASSWORD

from .conftest import sign_in, sign_out

pytestmark = pytest.mark.browser

NEW = "a long and unusual passphrase"


def test_a_user_changes_their_password_from_the_header(page, check_page, make_user):
    user = make_user("case_officer")
    sign_in(page, user)
    page.locator("header a", has_text="Cambiar contraseña").click()
    page.wait_for_load_state()
    assert page.url.endswith("/account/password")
    check_page(page, "change-password")
    page.fill("#current_password", PASSWORD)
    page.fill("#new_password", NEW)
    page.fill("#new_password_again", NEW + " but different")
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    summary = page.locator(".govuk-error-summary")
    assert (
        summary.is_visible() and "Las dos contraseñas nuevas no coinciden." in summary.inner_text()
    )
    assert (
        page.input_value("#current_password") == page.input_value("#new_password") == ""
    )  # nothing sent back
    check_page(page, "change-password-refused")
    page.fill("#current_password", PASSWORD)
    page.fill("#new_password", NEW)
    page.fill("#new_password_again", NEW)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    assert "Su contraseña se cambió." in page.locator(".govuk-notification-banner").inner_text()
    check_page(page, "password-changed")
    sign_out(page)
    sign_in(page, user, NEW)
    assert page.locator("header a", has_text="Cambiar contraseña").is_visible()
