"""CSRF (ASVS V4.2.2, V13): every web form posted without its token is refused.

The suite turns CSRF off (tests/conftest.py); this module builds a second app on the same
database with the production setting (CSRF on) and posts to every non-API POST route of its
URL map, signed in and not, without a token. The API is token-authenticated and exempt."""

import re

import pytest

from sdp import create_app
from tests.conftest import PASSWORD


@pytest.fixture
def csrf_app(app):
    application = create_app(
        {
            **{
                key: app.config[key]
                for key in ("SQLALCHEMY_DATABASE_URI", "SECRET_KEY", "INSTANCE_FOR_TESTS")
            },
            "TESTING": True,
            "WTF_CSRF_ENABLED": True,
            "SERVER_NAME": None,
        }
    )
    assert application.config["WTF_CSRF_ENABLED"]
    return application


# The only documented exemption: the public document check changes nothing and has no session to
# protect (sdp/documents/views.py ``verify``).
EXEMPT = {"/verify"}


def web_forms(application) -> list[str]:
    urls = []
    for rule in application.url_map.iter_rules():
        if "POST" in rule.methods and not rule.rule.startswith("/api/"):
            urls.append(re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", "1", rule.rule))
    return sorted(urls)


def test_every_web_form_without_its_token_is_refused(csrf_app, make_user):
    user = make_user("intake_officer", "case_officer", "registrar")
    forms = web_forms(csrf_app)
    assert (
        "/cases/new" in forms
        and "/sign-in" in forms
        and "/admin/users" in forms
        and "/sign-out" in forms
    )
    assert "/account/password" in forms
    with csrf_app.app_context():
        client = csrf_app.test_client()
        client.get("/language/en")
        token = (
            client.get("/sign-in")
            .get_data(as_text=True)
            .split('name="csrf_token" value="')[1]
            .split('"')[0]
        )
        signed_in = client.post(
            "/sign-in", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
        )
        assert signed_in.status_code == 302 and client.get("/cases/").status_code == 200
        for url in forms:
            if url == "/sign-out":
                continue
            if url in EXEMPT:
                assert client.post(url, data={"qr": "x"}).status_code != 400
                continue
            response = client.post(
                url, data={"_action": "close", "given_names": "X", "code": "123456"}
            )
            assert response.status_code == 400, (url, response.status_code)
            assert "The form had expired" in response.get_data(as_text=True), url
        response = client.post("/sign-out", data={})
        assert (
            response.status_code == 400 and client.get("/cases/").status_code == 200
        )  # still signed in
        anonymous = csrf_app.test_client()
        for url in sorted(set(forms) - EXEMPT):
            response = anonymous.post(url, data={"email": user.email, "password": PASSWORD})
            assert response.status_code in (302, 400), url
            assert anonymous.get("/cases/").status_code == 302, (
                url
            )  # never signed in without a token
