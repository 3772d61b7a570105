"""A forgotten password in Chromium at phone width (issue 13): an administrator resets it from the
user's page after a check page and reads the temporary password once; the user signs in with it
and must choose their own before any other page. Axe on every page, no sideways scroll at 390 px."""

import pytest

from .conftest import sign_in, sign_out

pytestmark = pytest.mark.browser

NEW = "a long and unusual passphrase"


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{page.url} is {width} px wide at 390 px"


def test_an_admin_resets_a_password_and_the_user_chooses_a_new_one(page, check_page, make_user):
    admin = make_user("admin", name="Carmen Rojas Vega")
    officer = make_user("case_officer", name="Rosa Quispe Mamani")
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, admin)
    assert page.url.endswith("/admin/users")
    page.locator("main a", has_text=officer.email).click()  # "Gestionar (email)"
    page.wait_for_load_state()
    assert page.url.endswith(f"/admin/users/{officer.id}")
    check_page(page, "user-page")
    no_sideways_scroll(page)

    page.locator("main a", has_text="Restablecer la contraseña").click()
    page.wait_for_load_state()
    assert "Compruebe antes de restablecer la contraseña" in page.locator("h1").inner_text()
    check_page(page, "check-before-reset")
    no_sideways_scroll(page)
    page.locator("main button[type=submit]", has_text="Restablecer la contraseña").click()
    page.wait_for_load_state()
    assert "Contraseña restablecida" in page.locator(".govuk-panel").inner_text()
    temporary = page.text_content("#temporary-password").strip()
    assert len(temporary) >= 12
    check_page(page, "temporary-password-shown-once")
    no_sideways_scroll(page)
    sign_out(page)

    sign_in(page, officer, temporary)
    assert page.url.endswith("/account/password")
    assert page.locator("#must-change").is_visible()
    check_page(page, "must-choose-a-new-password")
    no_sideways_scroll(page)
    page.goto("/cases/")  # no other page before the new password
    assert page.url.endswith("/account/password")
    page.fill("#current_password", temporary)
    page.fill("#new_password", NEW)
    page.fill("#new_password_again", NEW)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    assert "Su contraseña se cambió." in page.locator(".govuk-notification-banner").inner_text()
    page.goto("/cases/")
    assert page.url.endswith("/cases/")
    check_page(page, "cases-after-the-new-password")
