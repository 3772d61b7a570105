"""One case from intake to identity document, walked as the demo roles do it, measuring what each
role must do: the pages loaded and the form fields filled (issue 13, "Measure").

The figures are printed (``-s``) and bounded, so that a change that makes staff load more pages
or fill more fields than this shows up as a failing test, not as a complaint months later."""

import re
from collections import defaultdict
from urllib.parse import parse_qsl, urlsplit

import pytest

from sdp import clock

from .conftest import fill_date, sign_in, sign_out

pytestmark = pytest.mark.browser

TODAY = clock.today()
# Fields the person does not fill: the form's own bookkeeping, and the check-your-answers page
# sending back, hidden, what was already counted on the question's page.
BOOKKEEPING_FIELDS = {
    "csrf_token",
    "_action",
    "_target",
    "next",
    "register",
    "confirm",
    "change",
    "duplicates_dismissed",
    # the lost-update check's hidden version of the case and the last change seen (issue 16)
    "version",
    "seen",
}

DATE_PART = re.compile(r"-(day|month|year)$")

# (page loads, form fields) per role. Before, on the case page holding every form (6396e74):
# intake 8/10, supervisor 4/1, case officer 12/16, decision-maker 4/3.
# Issuing the document as its own question, then its answers checked before it is issued
# (irreversible), costs the intake officer two page loads more (9 → 11) and one field less
# (10 → 9: the travel document's validity is no longer posted with every document).
# Asking "Is this person detained?" (answered No unless changed, its place and date then asked on
# pages of their own: issue 13, conditional questions) posts one answer more at intake (9 → 10),
# where the place and the date of detention were two questions on the page, left empty.
CEILING = {
    "intake_officer": (11, 10),
    "supervisor": (5, 1),
    "case_officer": (17, 16),
    "decision_maker": (6, 3),
}


class Meter:
    """Counts, per role, the pages the browser loads and the fields posted with a value."""

    def __init__(self, page):
        self.role = None
        self.loads = defaultdict(int)
        self.fields = defaultdict(int)
        page.on("request", self._request)

    def _request(self, request):
        if self.role is None or request.resource_type != "document":
            return
        path = urlsplit(request.url).path
        if path.startswith("/sign-in") or path.startswith("/sign-out"):
            return  # signing in and out is the same for every design of the case pages
        self.loads[self.role] += 1
        if request.method == "POST":
            posted = parse_qsl(request.post_data or "", keep_blank_values=False)
            if ("confirm", "yes") in posted:
                return  # the answers checked: counted once, on their question's page
            # A date is one question, typed in three inputs (day, month, year): counted once.
            dates = {DATE_PART.sub("", name) for name, _ in posted if DATE_PART.search(name)}
            self.fields[self.role] += len(dates) + sum(
                1
                for name, _ in posted
                if name not in BOOKKEEPING_FIELDS and not DATE_PART.search(name)
            )

    def report(self) -> str:
        return "\n".join(
            f"{role}: {self.loads[role]} page loads, {self.fields[role]} form fields"
            for role in self.loads
        )


def submit(page, form_id: str) -> None:
    page.locator(f"#{form_id} button[type=submit]").click()
    page.wait_for_load_state()


def open_action(page, name: str) -> None:
    page.locator(f"#action-{name}").click()
    page.wait_for_load_state()


def test_one_case_from_intake_to_identity_document(page, check_page, office):
    meter = Meter(page)

    meter.role = "intake_officer"
    sign_in(page, office["intake"])
    page.goto("/cases/new")
    page.fill("#applicant-given_names", "María José")
    page.fill("#applicant-family_names", "Pérez Gómez")
    page.check("#applicant-sex")
    fill_date(page, "#applicant-date_of_birth", "1990-04-12")
    page.select_option("#applicant-birth_country", "VE")
    page.fill("#applicant-birth_locality", "Maracaibo")
    page.locator("button.govuk-button[name=register]").click()
    page.wait_for_load_state()
    case_url = urlsplit(page.url).path
    sign_out(page)

    meter.role = "supervisor"
    sign_in(page, office["supervisor"])
    page.goto(case_url)
    open_action(page, "assign")
    page.select_option("#assign-case_officer", office["officer"].email)
    submit(page, "form-assign")
    sign_out(page)

    meter.role = "case_officer"
    sign_in(page, office["officer"])
    page.goto(case_url)
    open_action(page, "add_relevant_state")
    page.select_option("#add_relevant_state-country", "CO")
    page.check("#add_relevant_state-links")
    submit(page, "form-add_relevant_state")
    open_action(page, "send_inquiry")
    page.select_option("#send_inquiry-country", "CO")
    page.fill("#send_inquiry-authority", "Registraduría Nacional del Estado Civil")
    fill_date(page, "#send_inquiry-consent_on", TODAY.isoformat())
    fill_date(page, "#send_inquiry-sent_on", TODAY.isoformat())
    submit(page, "form-send_inquiry")
    open_action(page, "record_interview")
    page.fill(
        "#record_interview-summary", "La solicitante explicó su historia; el acta se leyó y firmó."
    )
    submit(page, "form-record_interview")
    open_action(page, "record_finding")
    finding_form = page.locator("form[id^=form-record_finding-]")
    finding_form.locator("input[value=not_national]").check()
    finding_form.locator("textarea").fill("Colombia no la registró al nacer.")
    finding_form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    open_action(page, "recommend")
    page.check("#recommend-outcome")
    page.fill("#recommend-reasons", "Ningún Estado la considera nacional.")
    submit(page, "form-recommend")
    sign_out(page)

    meter.role = "decision_maker"
    sign_in(page, office["decider"])
    page.goto(case_url)
    open_action(page, "decide")
    page.check("#decide-outcome")
    page.fill("#decide-reasons", "Apatridia establecida en grado razonable.")
    submit(page, "form-decide")
    page.set_viewport_size({"width": 390, "height": 800})
    check_page(page, "check-answers-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator("button[name=confirm]").click()  # after checking the answers
    page.wait_for_load_state()
    sign_out(page)

    meter.role = "intake_officer"
    sign_in(page, office["intake"])
    page.goto(case_url)
    open_action(page, "issue_document")  # which document: one question
    page.check("input[name=type][value=identity_document]")
    submit(page, "issue-document")
    check_page(page, "issue-check-answers")
    page.locator("button[name=confirm]").click()  # after checking the answers
    page.wait_for_load_state()
    assert page.locator("#documents-table").inner_text().count("\n") >= 1
    meter.role = None

    print("\n" + meter.report())
    # One question per page costs one page load per action (two before an irreversible one: its
    # answers are checked); it must not cost more fields than the page with every form had.
    for role, (loads, fields) in CEILING.items():
        assert meter.loads[role] <= loads, (role, meter.report())
        assert meter.fields[role] <= fields, (role, meter.report())
