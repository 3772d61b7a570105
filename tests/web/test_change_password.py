"""Changing one's own password (ASVS V2.1.5, V2.1.6): every staff role, the current password
checked as at sign-in (and counted towards the lock-out), the policy, every other session ended."""

import re

import pytest
from sqlalchemy import func, select

from sdp.audit.models import AuditEvent
from sdp.auth.models import FormStash, User
from sdp.auth.services import PasswordChangeRefused, change_own_password
from sdp.extensions import db
from tests.conftest import PASSWORD

from .conftest import sign_in, text_of
from .test_expired_session import expire

NEW = "a long and unusual passphrase"
URL = "/account/password"


def fresh(user) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def events(action: str) -> list[AuditEvent]:
    return (
        db.session.execute(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
        .scalars()
        .all()
    )


def change(client, current=PASSWORD, new=NEW, again=None):
    return client.post(
        URL,
        data={
            "current_password": current,
            "new_password": new,
            "new_password_again": new if again is None else again,
        },
    )


def field_error(response, field: str) -> str:
    found = re.search(
        rf'<p id="{field}-error" class="govuk-error-message">(.*?)</p>',
        response.get_data(as_text=True),
        re.S,
    )
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split()) if found else ""


def signs_in(app, user, password: str) -> bool:
    return (
        app.test_client()
        .post("/sign-in", data={"email": user.email, "password": password})
        .status_code
        == 302
    )


@pytest.mark.parametrize("role", ["case_officer", "supervisor", "reviewer", "admin"])
def test_a_user_changes_their_password_and_stays_signed_in_only_here(app, web_as, make_user, role):
    user = make_user(role)
    here, elsewhere = web_as(user), web_as(user)
    page = here.get(URL)
    assert page.status_code == 200 and "Change your password" in text_of(page)
    response = change(here)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    home = here.get("/", follow_redirects=True)
    assert home.status_code == 200 and "Your password has been changed." in text_of(home)
    assert here.get(URL).status_code == 200  # this browser: a fresh session, still signed in
    assert (
        elsewhere.get(URL).headers["Location"].startswith("/sign-in")
    )  # every other session ended
    assert not signs_in(app, user, PASSWORD) and signs_in(app, user, NEW)
    event = events("user.password_change")[-1]
    assert (event.actor_id, event.entity_id, event.changes) == (
        user.id,
        str(user.id),
        {"sessions_ended": True},
    )
    trail = " ".join(str(e.changes) for e in db.session.execute(select(AuditEvent)).scalars())
    assert NEW not in trail and PASSWORD not in trail


def test_a_user_with_a_second_factor_keeps_it_in_the_new_session(app, web_as, make_user):
    user = make_user("decision_maker")
    client = web_as(user)
    with client.session_transaction() as session:
        assert session["second_factor"] is True
    change(client)
    with client.session_transaction() as session:
        assert (
            session["second_factor"] is True
            and session["_user_id"] == f"{user.id}:{fresh(user).session_epoch}"
        )
    assert events("user.sign_in")[-1].changes == {"second_factor": True}
    assert client.get("/cases/").status_code == 200


def test_a_session_from_before_the_second_factor_was_noted_is_not_downgraded(web_as, make_user):
    client = web_as(make_user("supervisor"))
    with client.session_transaction() as session:
        del session["second_factor"]
    change(client)
    assert events("user.sign_in")[-1].changes == {"second_factor": True}


def test_a_wrong_current_password_is_refused_on_its_field_and_counts_towards_the_lock(web_as):
    client = web_as("case_officer")
    response = change(client, current="not my password at all")
    assert response.status_code == 422
    assert field_error(response, "current_password") == "Error: The current password is not right."
    assert 'href="#current_password"' in response.get_data(as_text=True)  # in the summary too
    stored = fresh(client.user)
    assert stored.failed_sign_ins == 1 and stored.session_epoch == 0
    assert events("user.sign_in_failed")[-1].changes == {
        "step": "password_change",
        "failed_sign_ins": 1,
    }
    assert client.get(URL).status_code == 200  # still signed in


def test_five_wrong_current_passwords_lock_the_account_and_sign_out(app, web_as):
    client = web_as("case_officer")
    for n in range(4):
        assert change(client, current=f"wrong password {n}").status_code == 422
    response = change(client, current="wrong password 4")
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in"
    assert "your account is locked for a while. You have been signed out." in text_of(
        client.get("/sign-in")
    )
    assert client.get(URL).headers["Location"].startswith("/sign-in")
    stored = fresh(client.user)
    assert stored.failed_sign_ins == 5 and stored.locked_until is not None
    assert not signs_in(app, client.user, PASSWORD)  # the sign-in page is locked too
    assert "locked_until" in events("user.sign_in_failed")[-1].changes


def test_a_locked_account_does_not_try_the_password_and_signs_out(app, web_as):
    """Locked by failures at the sign-in page (someone guessing) while this session was open."""
    client = web_as("case_officer")
    for n in range(5):
        app.test_client().post(
            "/sign-in", data={"email": client.user.email, "password": f"wrong password {n}"}
        )
    response = change(client)  # the right current password, but the account is locked
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in"
    assert signs_in(app, client.user, PASSWORD) is False and fresh(client.user).failed_sign_ins == 5
    assert events("user.sign_in_refused_locked") and not events("user.password_change")


def test_the_two_new_passwords_must_match(web_as):
    client = web_as("case_officer")
    response = change(client, again=NEW + "!")
    assert response.status_code == 422
    assert (
        field_error(response, "new_password_again")
        == "Error: The two new passwords are not the same."
    )
    assert fresh(client.user).failed_sign_ins == 0 and not events("user.password_change")


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("short one", "The password must have at least 12 characters."),
        ("password1234", "This password is on a list of common passwords"),
    ],
)
def test_the_new_password_must_pass_the_policy(web_as, new, message):
    client = web_as("case_officer")
    response = change(client, new=new)
    assert response.status_code == 422 and message in field_error(response, "new_password")
    assert not events("user.password_change") and fresh(client.user).session_epoch == 0


def test_the_new_password_must_differ_from_the_current_one(web_as):
    client = web_as("case_officer")
    response = change(client, new=PASSWORD)
    assert response.status_code == 422
    assert (
        field_error(response, "new_password")
        == "Error: The new password must be different from the current one."
    )
    assert not events("user.password_change")


def test_empty_fields_are_named_and_nothing_typed_is_sent_back(web_as):
    client = web_as("case_officer")
    response = client.post(URL, data={})
    assert response.status_code == 422
    for field in ("current_password", "new_password", "new_password_again"):
        assert field_error(response, field).startswith("Error: Enter"), field
    assert fresh(client.user).failed_sign_ins == 0  # nothing was tried
    response = change(
        client, current="my typed current one", new="short new", again="another typed"
    )
    html = response.get_data(as_text=True)
    assert (
        "my typed current one" not in html
        and "short new" not in html
        and "another typed" not in html
    )
    for field, autocomplete in (
        ("current_password", "current-password"),
        ("new_password", "new-password"),
        ("new_password_again", "new-password"),
    ):
        assert re.search(rf'<label class="govuk-label " for="{field}">', html), field
        assert re.search(
            rf'id="{field}" name="{field}" type="password" value="" autocomplete="{autocomplete}"',
            html,
        ), field


def test_anonymous_is_sent_to_sign_in_and_nothing_posted_is_kept(app, client, make_user):
    assert client.get(URL).headers["Location"] == f"/sign-in?next={URL}"
    assert change(client).headers["Location"] == f"/sign-in?next={URL}"
    user = make_user("case_officer")
    sign_in(client, user)
    expire(client, app)
    assert change(client).headers["Location"] == f"/sign-in?next={URL}"
    assert db.session.execute(select(func.count(FormStash.id))).scalar_one() == 0
    assert "what you typed has been kept" not in text_of(client.get(f"/sign-in?next={URL}"))
    assert fresh(user).session_epoch == 0


def test_a_post_without_the_csrf_token_is_refused(app, web_as):
    client = web_as("case_officer")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = change(client)
        assert response.status_code == 400 and "The form had expired" in text_of(response)
        token = (
            client.get(URL)
            .get_data(as_text=True)
            .split('name="csrf_token" value="')[1]
            .split('"')[0]
        )
        response = client.post(
            URL,
            data={
                "csrf_token": token,
                "current_password": PASSWORD,
                "new_password": NEW,
                "new_password_again": NEW,
            },
        )
        assert response.status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert fresh(client.user).session_epoch == 1 and len(events("user.password_change")) == 1


def test_the_page_and_its_errors_speak_spanish(web_as):
    client = web_as("case_officer", lang="es")
    page = text_of(client.get(URL))
    assert (
        "Cambiar su contraseña" in page
        and "Contraseña actual" in page
        and "Repita la contraseña nueva" in page
    )
    response = change(client, current="no es la mía", new="corta")
    assert "La contraseña actual no es correcta." in field_error(response, "current_password")
    assert "al menos 12 caracteres" in field_error(response, "new_password")
    change(client)
    assert "Su contraseña se cambió." in text_of(client.get("/", follow_redirects=True))


def test_the_header_links_to_the_page_for_every_signed_in_user(client, web_as):
    for role in ("intake_officer", "reviewer", "admin"):
        html = web_as(role).get(URL).get_data(as_text=True)
        assert re.search(
            rf'<a href="{URL}" class="govuk-link[^"]*" aria-current="page">Change password</a>',
            html,
        ), role
    assert f'href="{URL}"' not in client.get("/sign-in").get_data(as_text=True)


# --- The service, without the pages ------------------------------------------------------


def test_the_service_checks_the_current_password_the_policy_and_the_difference(make_user):
    user = make_user("registrar")
    with pytest.raises(PasswordChangeRefused) as refused:
        change_own_password(fresh(user), "wrong password!!", "short")
    assert (
        set(refused.value.errors) == {"current_password", "new_password"}
        and not refused.value.locked
    )
    with pytest.raises(PasswordChangeRefused) as refused:
        change_own_password(fresh(user), PASSWORD, PASSWORD)
    assert refused.value.errors == {
        "new_password": "The new password must be different from the current one."
    }
    change_own_password(fresh(user), PASSWORD, NEW)
    stored = fresh(user)
    assert (
        stored.session_epoch == 1 and stored.failed_sign_ins == 1
    )  # the reset is the new session's (start_session)
    assert events("user.password_change")[-1].actor_id == user.id
