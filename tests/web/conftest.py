"""Fixtures for the staff pages: a browser-like client signed in as a user of some role."""

import os
import re
from html import unescape

import pyotp
import pytest

from tests.conftest import PASSWORD


def sign_in(client, user, password: str = PASSWORD):
    """Signs in through the pages, the second factor included (enrolling the user at the first
    sign-in, as a person would, when their role needs one)."""
    response = client.post("/sign-in", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    if response.headers["Location"] == "/sign-in/enrol":
        page = client.get("/sign-in/enrol").get_data(as_text=True)
        secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
        response = client.post("/sign-in/enrol", data={"code": pyotp.TOTP(secret).now()})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    elif response.headers["Location"] == "/sign-in/code":
        response = client.post("/sign-in/code", data={"code": unused_code(user)})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response


def unused_code(user) -> str:
    """A valid second-factor code not used yet. Tests sign the same user in several times within
    one 30-second step; a person would wait for the next code, the helper moves the mark back."""
    from sdp.auth import totp
    from sdp.auth.models import User
    from sdp.extensions import db

    db.session.expire_all()
    stored = db.session.get(User, user.id)
    now = totp.current_step()
    # The current step's code, accepted until the step after next begins (DRIFT_STEPS): the
    # oldest accepted step's code (chosen until 2026-12-06) expired at the next step boundary,
    # and a browser under CI's load sometimes submitted it a moment too late.
    if stored.totp_last_step is not None and stored.totp_last_step >= now:
        stored.totp_last_step = now - 1
        db.session.commit()
    return pyotp.TOTP(stored.totp_secret).at(now * totp.STEP_SECONDS)


@pytest.fixture
def web_as(app, make_user):
    """``web_as("case_officer")`` → a new test client signed in as a new user with that role
    (``web_as(user)`` for an existing one). The client's ``user`` is the user."""

    def factory(*roles_or_user, lang: str | None = "en"):
        if roles_or_user and not isinstance(roles_or_user[0], str):
            user = roles_or_user[0]
        else:
            user = make_user(*roles_or_user)
        client = app.test_client()
        if lang:
            client.get(f"/language/{lang}")
        sign_in(client, user)
        client.user = user
        return client

    return factory


def text_of(response) -> str:
    """The page's visible text, whitespace collapsed (for assertions on what a person reads)."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def compile_catalogues() -> None:
    """Compile the .po catalogues (the pages' and the documents') into .mo when missing or older
    (``make translations`` does it too)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    from sdp import PROJECT_ROOT

    for po in (PROJECT_ROOT / "sdp" / "translations").glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source:
                catalog = read_po(source)
            # Written aside and renamed: a parallel test worker never reads a half-written
            # catalogue.
            partial = mo.with_name(f"{mo.name}.{os.getpid()}.tmp")
            with partial.open("wb") as target:
                write_mo(target, catalog)
            os.replace(partial, mo)


@pytest.fixture(scope="session", autouse=True)
def _catalogues_compiled():
    compile_catalogues()


def date_fields(name: str, day) -> dict:
    """A date as a page posts it: three fields, ``<name>-day``, ``-month`` and ``-year``."""
    return {
        f"{name}-day": str(day.day),
        f"{name}-month": str(day.month),
        f"{name}-year": str(day.year),
    }
