"""Signing in and out, session rules (epoch, idle timeout, cookie flags), languages."""

import re
import time

from sdp import create_app
from sdp.auth.models import User
from sdp.extensions import db
from tests.conftest import PASSWORD

from .conftest import sign_in, text_of


def test_signing_in_with_the_right_password_opens_the_home_page(client, make_user):
    user = make_user("case_officer", name="Jorge Huamán")
    response = client.post("/sign-in", data={"email": user.email.upper(), "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Jorge Huamán" in text_of(client.get("/"))


def test_a_wrong_password_or_unknown_email_is_refused_with_one_message(client, make_user):
    user = make_user("case_officer")
    client.get("/language/en")
    for email, password in ((user.email, "wrong password!!"), ("nobody@test.sdp.pe", PASSWORD)):
        response = client.post("/sign-in", data={"email": email, "password": password})
        assert response.status_code == 401
        assert "The email address or the password is not right." in text_of(response)
        assert f'value="{email}"' in response.get_data(as_text=True)  # typed email kept
        assert password not in response.get_data(as_text=True)  # the password is not sent back
    assert client.get("/cases/").status_code == 302


def test_empty_fields_are_named_beside_each_field_and_in_the_summary(client):
    response = client.post("/sign-in", data={"email": "", "password": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert (
        'class="govuk-error-summary"' in html
        and 'href="#email"' in html
        and 'href="#password"' in html
    )
    assert 'id="email-error"' in html and 'id="password-error"' in html


def test_an_inactive_user_cannot_sign_in(client, make_user):
    user = make_user("case_officer")
    user.active = False
    db.session.commit()
    assert (
        client.post("/sign-in", data={"email": user.email, "password": PASSWORD}).status_code == 401
    )


def test_signing_out_ends_every_session_of_the_user(app, make_user):
    user = make_user("supervisor")
    first, second = app.test_client(), app.test_client()
    sign_in(first, user)
    sign_in(second, user)
    assert second.get("/cases/").status_code == 200
    response = first.post("/sign-out")
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in"
    assert db.session.get(User, user.id).session_epoch == 1
    assert first.get("/cases/").status_code == 302
    assert second.get("/cases/").status_code == 302  # the other session's epoch is stale


def test_an_idle_session_expires(app, make_user):
    user = make_user("supervisor")
    client = app.test_client()
    client.get("/language/en")
    sign_in(client, user)
    with client.session_transaction() as session:
        session["seen"] = int(time.time()) - app.config["IDLE_TIMEOUT_MINUTES"] * 60 - 5
    response = client.get("/cases/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in?next=")
    assert "Your session expired" in text_of(client.get(response.headers["Location"]))


def test_an_active_session_stays(app, make_user):
    client = app.test_client()
    sign_in(client, make_user("supervisor"))
    with client.session_transaction() as session:
        session["seen"] = int(time.time()) - app.config["IDLE_TIMEOUT_MINUTES"] * 60 + 60
    assert client.get("/cases/").status_code == 200


def test_session_cookie_flags(app, make_user, tmp_path, monkeypatch):
    user = make_user("supervisor")
    response = app.test_client().post("/sign-in", data={"email": user.email, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
    monkeypatch.setenv("SDP_ENV", "development")
    development = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "SECRET_KEY": "x" * 32,
            "WTF_CSRF_ENABLED": False,
        }
    )
    cookie = (
        development.test_client()
        .post("/sign-in", data={"email": user.email, "password": PASSWORD})
        .headers["Set-Cookie"]
    )
    assert "HttpOnly" in cookie and "Secure" not in cookie


def test_next_is_followed_only_within_the_site(client, make_user):
    user = make_user("case_officer")
    response = client.post(
        "/sign-in?next=https://evil.example/x", data={"email": user.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/"
    client.post("/sign-out")
    response = client.post(
        "/sign-in?next=/cases/", data={"email": user.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/cases/"


def test_forms_need_a_csrf_token_when_csrf_is_on(app, make_user, monkeypatch):
    user = make_user("case_officer")
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    client = app.test_client()
    client.get("/language/en")
    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400 and "The form had expired" in text_of(response)
    assert client.get("/cases/").status_code == 302  # not signed in without the token
    sign_in_page = client.get("/sign-in").get_data(as_text=True)
    token = sign_in_page.split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post(
        "/sign-in", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302 and client.get("/cases/").status_code == 200


def test_the_language_switcher_is_remembered_in_the_session_cookie_and_profile(client, make_user):
    user = make_user("supervisor")
    sign_in(client, user)
    assert 'lang="es"' in client.get("/cases/").get_data(as_text=True)  # Spanish by default
    response = client.get("/language/pt?next=/cases/")
    assert response.status_code == 302 and response.headers["Location"] == "/cases/"
    assert "lang=pt" in response.headers["Set-Cookie"]
    assert 'lang="pt"' in client.get("/cases/").get_data(as_text=True)
    assert db.session.get(User, user.id).preferred_locale == "pt"
    client.post("/sign-out")
    with client.session_transaction() as session:
        session.clear()
    client.delete_cookie("lang")
    sign_in(client, user)  # a new session takes the language of the profile
    assert 'lang="pt"' in client.get("/cases/").get_data(as_text=True)


def test_an_unknown_language_is_ignored(client):
    assert client.get("/language/xx?next=/sign-in").status_code == 302
    assert 'lang="es"' in client.get("/sign-in").get_data(as_text=True)


def test_the_sign_in_page_says_what_to_do_about_a_forgotten_password(client):
    """Issue 13: there was no "forgot password" path. Staff accounts are the administrators': the
    page names the role to ask, and sends nothing (no email field, no form)."""
    client.get("/language/en")
    sign_in_page = client.get("/sign-in").get_data(as_text=True)
    link = re.search(r'<a class="govuk-link" href="([^"]+)" id="forgotten-password">', sign_in_page)
    assert link, "no link to the forgotten-password page"
    page = client.get(link.group(1))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "If you have forgotten your password" in html
    assert "Ask a user with the role Administrator" in html
    assert "After 5 wrong passwords in a row" in html
    assert "<form" not in html.split('id="main-content"')[-1] and 'type="email"' not in html
    client.get("/language/es")
    spanish = client.get(link.group(1)).get_data(as_text=True)
    assert "Administrador" in spanish and "If you have forgotten" not in spanish
