"""Nothing typed is lost when the session expires: the form is kept on the server and restored."""

import time

from sqlalchemy import func, select

from sdp.auth.stash import FormStash
from sdp.extensions import db
from tests.conftest import PASSWORD

from .conftest import sign_in, text_of
from .test_intake import applicant_fields


def expire(client, app) -> None:
    with client.session_transaction() as session:
        session["seen"] = int(time.time()) - app.config["IDLE_TIMEOUT_MINUTES"] * 60 - 1


def test_a_form_posted_after_the_idle_timeout_comes_back_after_signing_in(app, make_user):
    user = make_user("intake_officer")
    client = app.test_client()
    client.get("/language/en")
    sign_in(client, user)
    expire(client, app)
    response = client.post("/cases/new", data=applicant_fields(**{"applicant-given_names": "Wilmer"}))
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in?next=/cases/new"
    assert db.session.execute(select(func.count(FormStash.id))).scalar_one() == 1
    # Only a random token travels in the (signed, readable) session cookie; the data stays on the server.
    assert "Wilmer" not in response.headers.get("Set-Cookie", "")
    page = client.get("/sign-in?next=/cases/new")
    assert "what you typed has been kept" in text_of(page)
    response = client.post("/sign-in?next=/cases/new", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/cases/new"
    html = client.get("/cases/new").get_data(as_text=True)
    assert 'value="Wilmer"' in html and 'value="Pérez Gómez"' in html and '<option value="VE" selected>' in html
    assert "has been restored" in html
    assert db.session.execute(select(func.count(FormStash.id))).scalar_one() == 0  # taken once
    assert 'value="Wilmer"' not in client.get("/cases/new").get_data(as_text=True)


def test_a_form_posted_with_no_session_at_all_is_kept_too(app, make_user):
    """The session cookie is gone (browser closed): the CSRF check fails, the form is kept."""
    user = make_user("intake_officer")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = app.test_client()
        response = client.post("/cases/new", data=applicant_fields(**{"applicant-given_names": "Yenny"}))
        assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
        token = client.get("/sign-in").get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
        client.post("/sign-in?next=/cases/new", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
        assert 'value="Yenny"' in client.get("/cases/new").get_data(as_text=True)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_a_kept_form_goes_back_only_to_the_user_who_typed_it(app, make_user):
    owner, other = make_user("intake_officer"), make_user("intake_officer")
    client = app.test_client()
    sign_in(client, owner)
    expire(client, app)
    client.post("/cases/new", data=applicant_fields(**{"applicant-given_names": "Wilmer"}))
    client.post("/sign-in", data={"email": other.email, "password": PASSWORD})
    assert 'value="Wilmer"' not in client.get("/cases/new").get_data(as_text=True)


def test_a_case_page_action_is_kept_and_restored_on_its_page(app, make_user, api_as, web_as):
    from tests.cases.helpers import Office, register

    office = Office(api_as)
    case = register(office.intake)
    client = app.test_client()
    sign_in(client, office.supervisor.user)
    expire(client, app)
    url = f"/cases/{case['id']}"
    response = client.post(url, data={"_action": "close", "close-reasons": "The applicant left Peru in March."})
    assert response.headers["Location"] == f"/sign-in?next={url}"
    assert sign_in(client, office.supervisor.user).headers["Location"] == url  # through the second factor
    html = client.get(url).get_data(as_text=True)
    assert "The applicant left Peru in March." in html


def test_no_password_field_is_ever_kept(app):
    """Whatever the field is called (``password``, ``current_password``, ``new_password_again``)."""
    from werkzeug.datastructures import MultiDict

    from sdp.auth import stash

    session = {}
    secret = "a long and unusual passphrase"
    only_passwords = MultiDict([("csrf_token", "t"), ("current_password", PASSWORD), ("new_password", secret),
                                ("new_password_again", secret), ("Password", secret)])
    assert stash.keep(session, "/account/password", only_passwords, None) is False
    assert stash.SESSION_KEY not in session and db.session.execute(select(func.count(FormStash.id))).scalar_one() == 0
    assert stash.keep(session, "/cases/new", MultiDict([("given_names", "Wilmer"), ("new_password", secret)]), None)
    kept = db.session.execute(select(FormStash)).scalar_one()
    assert kept.fields == [["given_names", "Wilmer"]]
