"""Nothing typed is lost when the session expires: the form is kept on the server and restored."""

import time

from sqlalchemy import func, select, text

from sdp.auth.models import FormStash
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
    response = client.post(
        "/cases/new", data=applicant_fields(**{"applicant-given_names": "Wilmer"})
    )
    assert (
        response.status_code == 302 and response.headers["Location"] == "/sign-in?next=/cases/new"
    )
    assert db.session.execute(select(func.count(FormStash.id))).scalar_one() == 1
    # Only a random token travels in the (signed, readable) session cookie; the data stays on the
    # server.
    assert "Wilmer" not in response.headers.get("Set-Cookie", "")
    page = client.get("/sign-in?next=/cases/new")
    assert "what you typed has been kept" in text_of(page)
    response = client.post(
        "/sign-in?next=/cases/new", data={"email": user.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/cases/new"
    html = client.get("/cases/new").get_data(as_text=True)
    assert (
        'value="Wilmer"' in html
        and 'value="Pérez Gómez"' in html
        and '<option value="VE" selected>' in html
    )
    assert "has been restored" in html
    assert db.session.execute(select(func.count(FormStash.id))).scalar_one() == 0  # taken once
    assert 'value="Wilmer"' not in client.get("/cases/new").get_data(as_text=True)


def stashes() -> int:
    return db.session.execute(select(func.count(FormStash.id))).scalar_one()


def test_a_form_posted_with_no_session_at_all_keeps_nothing(app, make_user):
    """The session cookie is gone (browser closed, or a cross-site post, which a SameSite=Lax cookie
    never joins): nobody is known, so nothing is kept, and no cookie is set."""
    make_user("intake_officer")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = app.test_client()
        response = client.post(
            "/cases/new", data=applicant_fields(**{"applicant-given_names": "Yenny"})
        )
        assert (
            response.status_code == 302
            and response.headers["Location"] == "/sign-in?next=/cases/new"
        )
        assert "Set-Cookie" not in response.headers
        assert stashes() == 0
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def _stash_table_bytes() -> int:
    if db.engine.dialect.name == "postgresql":
        return db.session.execute(
            text("SELECT pg_total_relation_size('form_stashes')")
        ).scalar_one()
    return db.session.execute(
        text("SELECT COALESCE(SUM(LENGTH(CAST(fields AS BLOB))), 0) FROM form_stashes")
    ).scalar_one()


def test_anonymous_posts_of_10_mb_store_nothing(app, make_user):
    """Issue 15's attack: six anonymous posts of ~10 MB to a signed-in page grew the database by 16
    MB."""
    make_user("intake_officer")
    before = _stash_table_bytes()
    payload = {"applicant-given_names": "x" * (10 * 1024 * 1024 - 4096)}
    for csrf in (False, True):
        app.config["WTF_CSRF_ENABLED"] = csrf
        try:
            for _ in range(3):
                response = app.test_client().post("/cases/new", data=payload)
                assert response.status_code in (302, 413)
                assert "Set-Cookie" not in response.headers
        finally:
            app.config["WTF_CSRF_ENABLED"] = False
    assert stashes() == 0
    assert _stash_table_bytes() == before


def test_a_cross_site_post_neither_replaces_the_victims_session_nor_fills_their_form(
    app, make_user
):
    victim = make_user("intake_officer")
    browser = app.test_client()
    sign_in(browser, victim)
    expire(browser, app)
    # The attacker's page posts to the app: the browser sends no SameSite=Lax cookie with it, so
    # the app sees a stranger. Nothing it answers may set a cookie in the victim's browser.
    attack = app.test_client().post(
        "/cases/new", data=applicant_fields(**{"applicant-given_names": "Mallory"})
    )
    assert "Set-Cookie" not in attack.headers and stashes() == 0
    browser.post("/sign-in", data={"email": victim.email, "password": PASSWORD})
    assert "Mallory" not in browser.get("/cases/new").get_data(as_text=True)


def test_a_form_too_large_to_keep_is_refused_and_the_user_is_told(app, make_user):
    user = make_user("intake_officer")
    client = app.test_client()
    client.get("/language/en")
    sign_in(client, user)
    expire(client, app)
    from sdp.auth.stash import MAX_BYTES

    response = client.post(
        "/cases/new", data=applicant_fields(**{"applicant-given_names": "é" * (MAX_BYTES // 2)})
    )
    assert response.headers["Location"] == "/sign-in?next=/cases/new"
    assert stashes() == 0
    assert "could not be kept" in text_of(client.get("/sign-in?next=/cases/new"))


def test_one_stash_per_user_and_a_rate_limit(app, make_user, monkeypatch):
    from sdp.ratelimit import limiter

    user = make_user("intake_officer")
    client = app.test_client()
    sign_in(client, user)
    monkeypatch.setitem(app.config, "SDP_RATELIMIT_FORM_STASH", "2 per hour")
    limiter.reset()
    for name in ("Ana", "Berta"):
        expire(client, app)
        client.post("/cases/new", data=applicant_fields(**{"applicant-given_names": name}))
        sign_in(client, user)
    assert stashes() == 1  # the second replaced the first
    kept = db.session.execute(select(FormStash)).scalar_one()
    assert kept.user_id == user.id and ["applicant-given_names", "Berta"] in kept.fields
    expire(client, app)
    client.post("/cases/new", data=applicant_fields(**{"applicant-given_names": "Carla"}))
    kept = db.session.execute(select(FormStash)).scalar_one()
    assert ["applicant-given_names", "Carla"] not in kept.fields  # the third is over the limit
    limiter.reset()


def test_a_session_ended_everywhere_keeps_nothing(app, make_user):
    """The expired session's user signed out elsewhere (or an admin ended their sessions): the
    cookie no longer speaks for them."""
    from sdp.auth.principal import SYSTEM
    from sdp.auth.services import end_sessions

    user = make_user("intake_officer")
    client = app.test_client()
    sign_in(client, user)
    expire(client, app)
    end_sessions(SYSTEM, user)
    client.post("/cases/new", data=applicant_fields(**{"applicant-given_names": "Wilmer"}))
    assert stashes() == 0


def test_a_session_ends_after_its_absolute_lifetime_however_busy(app, make_user, monkeypatch):
    user = make_user("intake_officer")
    client = app.test_client()
    sign_in(client, user)
    assert client.get("/cases/new").status_code == 200
    with client.session_transaction() as session:
        session["signed_in_at"] = int(time.time()) - app.config["SESSION_MAX_HOURS"] * 3600 + 60
    assert client.get("/cases/new").status_code == 200  # a minute left
    with client.session_transaction() as session:
        session["signed_in_at"] = int(time.time()) - app.config["SESSION_MAX_HOURS"] * 3600 - 1
    response = client.get(
        "/cases/new"
    )  # active a second ago: the idle timeout alone would allow it
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    assert client.get("/cases/new").status_code == 302


def test_the_absolute_lifetime_is_a_setting_of_12_hours_by_default(app):
    from sdp.config import load

    assert load(app.instance_path)["SESSION_MAX_HOURS"] == 12
    assert load(app.instance_path, {"SESSION_MAX_HOURS": 8})["SESSION_MAX_HOURS"] == 8


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
    url = f"/cases/{case['id']}/close"  # the action's own page
    response = client.post(url, data={"close-reasons": "The applicant left Peru in March."})
    assert response.headers["Location"] == f"/sign-in?next={url}"
    assert (
        sign_in(client, office.supervisor.user).headers["Location"] == url
    )  # through the second factor
    html = client.get(url).get_data(as_text=True)
    assert "The applicant left Peru in March." in html


def test_no_password_field_is_ever_kept(app, make_user):
    """Whatever the field is called (``password``, ``current_password``, ``new_password_again``)."""
    from werkzeug.datastructures import MultiDict

    from sdp.auth import stash

    session = {}
    user_id = make_user("intake_officer").id
    secret = "a long and unusual passphrase"
    only_passwords = MultiDict(
        [
            ("csrf_token", "t"),
            ("current_password", PASSWORD),
            ("new_password", secret),
            ("new_password_again", secret),
            ("Password", secret),
        ]
    )
    assert (
        stash.keep(session, "/account/password", only_passwords, user_id)
        is stash.Kept.NOTHING_TO_KEEP
    )
    assert (
        stash.SESSION_KEY not in session
        and db.session.execute(select(func.count(FormStash.id))).scalar_one() == 0
    )
    assert (
        stash.keep(
            session,
            "/cases/new",
            MultiDict([("given_names", "Wilmer"), ("new_password", secret)]),
            user_id,
        )
        is stash.Kept.KEPT
    )
    kept = db.session.execute(select(FormStash)).scalar_one()
    assert kept.fields == [["given_names", "Wilmer"]]
