"""Birth registration and documents in Chromium: a registrar registers a birth, a late one asks
for evidence; staff issue a certificate from the case page and download it; anyone verifies it
signed out, valid and then revoked. axe checks every page visited."""

from datetime import timedelta

import pytest

from sdp import clock
from tests.cases.helpers import Office, register

from .conftest import fill_date, sign_in

pytestmark = pytest.mark.browser

TODAY = clock.today()


def in_english(page) -> None:
    page.goto("/language/en?next=/")
    page.wait_for_load_state()


def fill_child_and_refugee_mother(page, *, born_on) -> None:
    page.fill("#child-given_names", "Valentina")
    page.fill("#child-family_names", "Mendoza Rivas")
    page.select_option("#child-sex", "F")  # nothing is chosen for the registrar
    fill_date(page, "#child-date_of_birth", born_on.isoformat())
    page.select_option("#child-birth_country", "PE")
    page.fill("#child-birth_locality", "Lima, Jesús María")
    page.fill("#mother-given_names", "Daniela")
    page.fill("#mother-family_names", "Rivas Colmenares")
    fill_date(page, "#mother-date_of_birth", "1993-06-18")
    page.select_option("#mother-birth_country", "VE")
    page.select_option("#mother-nationality", "VE")
    page.select_option("#mother-asylum_status", "refugee")
    page.fill("#father-given_names", "Luis Alberto")
    page.fill("#father-family_names", "Mendoza Pérez")
    fill_date(page, "#father-date_of_birth", "1990-02-03")
    page.select_option("#father-birth_country", "VE")
    page.select_option("#father-nationality", "VE")
    page.select_option("#father-asylum_status", "refugee")
    page.fill("#declarant_name", "Daniela Rivas Colmenares")
    page.select_option("#declarant_relationship", "mother")


def submit_birth(page) -> None:
    page.locator("main form button.govuk-button[type=submit]").click()
    page.wait_for_load_state()


def answer_the_asylum_questions(page, check_page=None) -> None:
    """Each refugee parent's claim's country: a question of its own page, naming the parent."""
    for role, name in (
        ("mother", "Daniela Rivas Colmenares"),
        ("father", "Luis Alberto Mendoza Pérez"),
    ):
        assert page.locator(f"form#follow-up #{role}-asylum_country").is_visible()
        assert page.locator("h1").inner_text() == f"Which country did {name} seek asylum from?"
        if check_page is not None:
            check_page(page, f"{role}-asylum-country")
        page.select_option(f"#{role}-asylum_country", "VE")
        submit_birth(page)


def test_a_registrar_registers_the_birth_of_a_child_of_refugees(page, check_page, make_user):
    sign_in(page, make_user("registrar"))
    in_english(page)
    assert page.locator("#register-birth").is_visible()  # the registrar's home page
    check_page(page, "registrar-home")
    nav = page.locator("#navigation")
    assert nav.get_by_role("link", name="Birth registrations").is_visible()
    page.locator("#register-birth").click()
    page.wait_for_load_state()
    assert page.url.endswith("/births/new")
    check_page(page, "birth-form")
    fill_child_and_refugee_mother(page, born_on=TODAY - timedelta(days=10))
    submit_birth(page)
    answer_the_asylum_questions(page, check_page)
    assert "/births/NAC-" in page.url
    assert (
        "Birth of Valentina Mendoza Rivas registered under number"
        in page.locator(".govuk-notification-banner--success").inner_text()
    )
    assert page.locator("#nationality-tag").inner_text() == "Peruvian by birth"
    record = page.locator("#birth-record").inner_text()
    assert "Valentina Mendoza Rivas" in record and "Born in Peru (ius soli)" in record
    assert "Refugee" in page.locator("main").inner_text()
    check_page(page, "birth-record")
    page.set_viewport_size({"width": 375, "height": 800})
    check_page(page, "birth-record-phone")
    page.set_viewport_size({"width": 1100, "height": 900})
    nav.get_by_role("link", name="Birth registrations").click()
    page.wait_for_load_state()
    assert "Valentina Mendoza Rivas" in page.locator("#births-table").inner_text()
    check_page(page, "birth-list")


def test_a_late_registration_asks_for_evidence_and_keeps_what_was_typed(
    page, check_page, make_user
):
    sign_in(page, make_user("registrar"))
    in_english(page)
    page.goto("/births/new")
    born_on = TODAY - timedelta(days=75)
    fill_child_and_refugee_mother(page, born_on=born_on)
    submit_birth(page)
    answer_the_asylum_questions(page)
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert summary.evaluate("node => document.activeElement === node")
    assert "late registration" in page.locator("#late_registration_evidence-error").inner_text()
    assert page.get_attribute("#late_registration_evidence", "aria-invalid") == "true"
    for field, value in (
        ("#child-given_names", "Valentina"),
        ("#child-family_names", "Mendoza Rivas"),
        ("#child-date_of_birth-day", str(born_on.day)),
        ("#child-date_of_birth-year", str(born_on.year)),
        ("#mother-family_names", "Rivas Colmenares"),
        ("#mother-asylum_status", "refugee"),
        ("#father-given_names", "Luis Alberto"),
        ("#declarant_name", "Daniela Rivas Colmenares"),
    ):
        assert page.input_value(field) == value, field
    check_page(page, "late-birth-errors")
    summary.locator("a[href='#late_registration_evidence']").click()
    assert page.evaluate("document.activeElement.id") == "late_registration_evidence"
    page.fill(
        "#late_registration_evidence", "Health centre record of the birth, signed by the midwife."
    )
    submit_birth(page)
    assert "/births/NAC-" in page.url
    assert "Health centre record of the birth" in page.locator("#birth-record").inner_text()
    assert page.locator("main .govuk-tag--yellow").inner_text() == "Late registration"
    check_page(page, "late-birth-record")


def test_a_certificate_issued_from_the_case_page_is_downloaded_verified_and_revoked(
    browser, live_server, page, check_page, api_as
):
    office = Office(api_as)
    case = register(office.intake)
    sign_in(page, office.intake.user)
    in_english(page)
    page.goto(f"/cases/{case['id']}")
    check_page(page, "case-page-documents")
    page.locator("#issue-document-link").click()
    page.wait_for_load_state()
    options = page.locator("input[name=type]").evaluate_all("nodes => nodes.map(n => n.value)")
    assert options == [
        "provisional_certificate"
    ]  # the procedure decides what a pending case may have
    for width in (1100, 390):  # the question and the check, on a desk and on a phone
        page.set_viewport_size({"width": width, "height": 800})
        check_page(page, f"issue-question-{width}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.check("input[name=type][value=provisional_certificate]")
    form = page.locator("#issue-document")
    assert form.locator("input[name=csrf_token]").get_attribute("value")  # with its CSRF token
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "Check your answers" in page.locator("h1").inner_text()
    for width in (390, 1100):
        page.set_viewport_size({"width": width, "height": 800})
        check_page(page, f"issue-check-{width}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.locator("button[name=confirm]").click()
    page.wait_for_load_state()
    assert f"/cases/{case['id']}" in page.url
    assert (
        "Provisional certificate"
        in page.locator(".govuk-notification-banner--success").inner_text()
    )  # what was issued, and to whom
    assert "issued to" in page.locator(".govuk-notification-banner--success").inner_text()
    row = page.locator("#documents-table tbody tr").first
    serial = row.locator("code").inner_text()
    assert "Valid" in row.inner_text()
    check_page(page, "case-page-document-issued")
    href = row.get_by_role("link", name=f"Download PDF {serial}").get_attribute("href")
    pdf = page.request.get(href)
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")

    public = browser.new_context(
        base_url=live_server.url(), locale="en"
    ).new_page()  # nobody signed in
    public.goto("/language/en?next=/verify")
    public.goto(f"/verify/{serial}")
    assert public.locator("#verification").inner_text().strip().startswith("Valid")
    details = public.locator("#verification-details").inner_text()
    assert (
        serial in details
        and "María José" in details
        and case["case_number"] not in public.content()
    )
    check_page(public, "verify-valid")

    supervisor = browser.new_context(base_url=live_server.url()).new_page()
    sign_in(supervisor, office.supervisor.user)
    in_english(supervisor)
    supervisor.goto(f"/cases/{case['id']}")
    supervisor.locator(f"#document-{serial} button", has_text="Revoke").click()  # no reason given
    supervisor.wait_for_load_state()
    assert "reason" in supervisor.locator(".govuk-notification-banner").first.inner_text().lower()
    assert "Valid" in supervisor.locator(f"#document-{serial}").inner_text()
    check_page(supervisor, "revoke-refused")
    supervisor.locator(f"#document-{serial} input[name=reason]").fill(
        "Issued with a misspelt name."
    )
    supervisor.locator(f"#document-{serial} button", has_text="Revoke").click()
    supervisor.wait_for_load_state()
    assert "revoked" in supervisor.locator(".govuk-notification-banner--success").inner_text()
    assert "Revoked" in supervisor.locator(f"#document-{serial}").inner_text()
    check_page(supervisor, "case-page-revoked")
    supervisor.context.close()

    public.goto(f"/verify/{serial}")
    verdict = public.locator("#verification").inner_text()
    assert "Revoked" in verdict and "misspelt" not in public.content()
    check_page(public, "verify-revoked")
    public.context.close()


def test_a_phone_opens_the_qr_code_s_link_and_sees_the_answer_and_the_official_address(
    browser, live_server, api_as, check_page
):
    """What a police officer's phone does with the printed code: open the link, signed out, at 390
    px."""
    from tests.conftest import PUBLIC_URL
    from tests.documents.helpers import issued

    office = Office(api_as)
    case = register(office.intake)
    document = issued(office.intake, case["id"], "provisional_certificate")
    path = document["qr"][len(PUBLIC_URL) :]  # the link's path on this server: /V/SDP1:...
    phone = browser.new_context(
        base_url=live_server.url(),
        locale="es-PE",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    ).new_page()
    phone.goto(path)
    assert phone.locator("#verification").inner_text().strip().startswith("Vigente")
    assert document["serial"] in phone.locator("#verification-details").inner_text()
    address = phone.locator("#official-address")
    assert PUBLIC_URL in address.inner_text() and address.is_visible()
    assert (
        phone.evaluate("document.documentElement.scrollWidth") <= 390
    )  # nothing off the right edge
    check_page(phone, "verify-link-on-a-phone")
    phone.context.close()
