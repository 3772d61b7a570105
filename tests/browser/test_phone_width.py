"""Phone width (issue 13, point 6): at 390 and 320 px no page scrolls sideways, the case list keeps
the state and the time limit on screen, and axe finds nothing, at 390 px and on a desk; on the demo
data, as the demo users: the homes, lists, case pages, births and the administration.

The demo data is loaded once for the module (it took 30-46 s per test when each loaded it): every
test here only reads pages, so none depends on another's leftovers (a sign-in writes its session and
each read its audit row, which no test here counts)."""

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from tests.conftest import keep_the_modules_data

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.same_on_every_database]

PAGES_OF = {
    "intake@demo.sdp.pe": ["/", "/cases/", "{case}", "{case}/documents/new"],
    "officer@demo.sdp.pe": ["/", "/cases/", "/help/roles/case_officer"],
    "decider@demo.sdp.pe": ["/"],
    "appeals@demo.sdp.pe": ["/"],
    "registrar@demo.sdp.pe": ["/", "/births/", "/births/new", "{birth}", "{birth}/documents"],
    "supervisor@demo.sdp.pe": ["/", "/cases/", "/review/procedure", "/review/statistics"],
    "reviewer@demo.sdp.pe": ["/review/procedure", "/review/statistics", "/help/", "/help/glossary"],
    "admin@demo.sdp.pe": [
        "/",
        "/admin/users",
        "{grant}",
        "/account/password",
        "{staff}",
        "{staff}/reset-password",
        "{staff}/reset-second-factor",
    ],
}


@pytest.fixture(scope="module")
def demo_world(app, demo_data_for_the_module):
    """The demo data, loaded once for this module, with a role waiting for a second admin."""
    from sdp.auth import grants
    from sdp.auth.models import User
    from sdp.births.models import BirthRegistration
    from sdp.cases.models import Application
    from sdp.domain.vocabulary import Role
    from sdp.extensions import db

    users = demo_data_for_the_module
    grant = grants.propose_role(
        db.session.get(User, users["admin@demo.sdp.pe"].id).principal,
        db.session.get(User, users["reviewer@demo.sdp.pe"].id),
        Role.SUPERVISOR,
    )
    birth = db.session.execute(select(BirthRegistration).limit(1)).scalar_one()
    case = db.session.execute(
        select(Application).where(Application.state == "registered").limit(1)
    ).scalar_one()
    world = SimpleNamespace(
        users=users,
        places={
            "{case}": f"/cases/{case.id}",
            "{birth}": f"/births/{birth.registration_number}",
            "{grant}": f"/admin/grants/{grant.id}",
            "{staff}": f"/admin/users/{users['officer@demo.sdp.pe'].id}",
        },
    )
    db.session.commit()  # before the live server's requests (their own transactions) read it
    db.session.remove()
    return world


@pytest.fixture
def _empty_database(app, demo_world):
    """Here the demo data stays for the whole module (see the module's docstring)."""
    yield from keep_the_modules_data(app)


@pytest.fixture
def demo_users(demo_world):
    return demo_world.users


def place(demo_world, path: str) -> str:
    for name, address in demo_world.places.items():
        path = path.replace(name, address)
    return path


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def too_wide(page, width: int) -> list[str]:
    """The outermost elements that reach past the screen's right edge, to say what to fix."""
    return page.evaluate(
        """width => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > width + 1
                     && !(e.parentElement.getBoundingClientRect().right > width + 1))
        .slice(0, 5)
        .map(e => e.tagName + '.' + e.className + ' '
                  + Math.round(e.getBoundingClientRect().right))""",
        width,
    )


# Each page is loaded once, at a phone's width, then looked at as the window narrows and widens:
# a resize re-lays the page out and re-evaluates its media queries (GOV.UK Frontend's scripts
# listen for those), as a reload would, for a third of the sign-ins and page loads.
WIDTHS = (390, 320, 1100)  # a phone, the narrowest phone, a desk
AXE_WIDTHS = (390, 1100)  # axe on a phone and on a desk


@pytest.mark.parametrize("email", list(PAGES_OF))
def test_no_page_scrolls_sideways_at_phone_width(page, check_page, demo_world, demo_users, email):
    from sdp.demo import DEMO_PASSWORD

    page.set_viewport_size({"width": WIDTHS[0], "height": 800})
    sign_in(page, demo_users[email], DEMO_PASSWORD)
    for path in (place(demo_world, path) for path in PAGES_OF[email]):
        page.set_viewport_size({"width": WIDTHS[0], "height": 800})
        response = page.goto(path)
        assert response.status == 200, (email, path, response.status)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            assert page_width(page) <= width, (
                f"{email} {path}: {page_width(page)} px wide at {width} px",
                too_wide(page, width),
            )
            if width in AXE_WIDTHS:
                check_page(page, f"{email.split('@')[0]}{path.replace('/', '-')}-{width}")
            if path == "/cases/":
                # the state and the time limit of the first case are on screen without scrolling
                for column in (2, 3):
                    box = page.locator(
                        f"#case-list tbody tr:first-child td:nth-child({column})"
                    ).bounding_box()
                    assert box and box["x"] + box["width"] <= width, (email, width, column, box)


def test_the_legislators_pages_are_styled_and_their_tables_fit_at_1280_px(
    page, check_page, demo_users
):
    """Issue 13, point 7: every element in the design system's font and colours, no table cut."""
    from sdp.demo import DEMO_PASSWORD

    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, demo_users["reviewer@demo.sdp.pe"], DEMO_PASSWORD)
    for path in ("/review/procedure", "/review/statistics"):
        page.goto(path)
        check_page(page, path.strip("/").replace("/", "-"))
        fonts = page.evaluate("""[...document.querySelectorAll(
                'main a, main dt, main dd, main li, main p, main td, main th')]
            .map(e => getComputedStyle(e).fontFamily)""")
        assert fonts and not [
            font for font in fonts if "serif" in font and "sans-serif" not in font
        ], path
        cut = page.evaluate("""[...document.querySelectorAll('main table')]
            .filter(t => t.parentElement.scrollWidth > t.parentElement.clientWidth + 1)
            .map(t => t.id || t.className)""")
        assert cut == [], f"{path}: tables cut at 1280 px: {cut}"
        # Every link in the colour of a GOV.UK link (the browser's default blue is rgb(0, 0, 238)).
        link_colours = set(
            page.evaluate(
                "[...document.querySelectorAll('main a:not(.govuk-button)')].map(a => "
                "getComputedStyle(a).color)"
            )
        )
        govuk_link = page.evaluate("""() => {
            const a = document.createElement('a'); a.className = 'govuk-link';
            a.href = '#unvisited-probe'; document.querySelector('main').append(a);
            const colour = getComputedStyle(a).color; a.remove(); return colour; }""")
        assert link_colours == {govuk_link}, (path, link_colours, govuk_link)
    # A month of few applications is a hatched, labelled bar, not an absent one.
    chart = page.locator("#heading-applications_by_month ~ figure svg")
    assert chart.locator("rect.bar-withheld").count() > 0
