"""An administrator resets a staff member's password or second factor (issue 13, "forgot
password"): a check page first, a temporary password shown once, the user chooses their own at the
next sign-in, every session of the user ends; never one's own account, never another
administrator's password, never both credentials of one account by one administrator. The user
pages carry the account's version: a save over a change the admin had not seen answers 409."""

import json
import re

import pytest
from sqlalchemy import select

from sdp import clock
from sdp.audit.models import AuditEvent
from sdp.auth.models import User
from sdp.auth.principal import SYSTEM
from sdp.auth.services import assign_totp_secret
from sdp.domain.access import (
    NO_SECOND_FACTOR_TO_RESET,
    PASSWORD_AFTER_OWN_SECOND_FACTOR_RESET,
    RESET_ANOTHER_ADMINISTRATOR,
    RESET_INACTIVE_ACCOUNT,
    RESET_OWN_ACCOUNT,
    SECOND_FACTOR_AFTER_OWN_PASSWORD_RESET,
    credential_reset_refusal,
)
from sdp.extensions import db
from tests.conftest import PASSWORD

from .conftest import sign_in, text_of

NEW = "my own long passphrase"


def fresh(user) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def opened(client, path: str) -> dict:
    """The hidden fields of a user page's form: the account's version and the last change seen."""
    html = client.get(path).get_data(as_text=True)
    return {
        name: re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', html).group(1)
        for name in ("version", "seen")
    }


def reset_password(admin, user, **extra):
    """Posts the check page's confirmation, with the version the user's page shows (the check
    page of a refused reset has no button: this is the post a stale or forged page would send)."""
    seen = opened(admin, f"/admin/users/{user.id}")
    path = f"/admin/users/{user.id}/reset-password"
    return admin.post(path, data={**seen, "confirm": "yes", **extra})


def temporary_password(response) -> str:
    html = response.get_data(as_text=True)
    return re.search(r'id="temporary-password"[^>]*>([^<]+)<', html).group(1).strip()


def test_the_rule_who_may_reset_what():
    def refusal(what, **facts):
        account = {
            "admin_id": 1,
            "account_id": 2,
            "account_is_admin": False,
            "account_active": True,
            "account_has_second_factor": True,
            "creator_id": None,
            "password_reset_by": None,
            "second_factor_reset_by": None,
        }
        return credential_reset_refusal(what, **{**account, **facts})

    assert refusal("password") is None and refusal("second_factor") is None
    assert refusal("password", account_id=1) == RESET_OWN_ACCOUNT
    assert refusal("second_factor", account_id=1) == RESET_OWN_ACCOUNT
    assert refusal("password", account_is_admin=True) == RESET_ANOTHER_ADMINISTRATOR
    # A lost phone of another administrator: clearing it alone gives nobody the account.
    assert refusal("second_factor", account_is_admin=True) is None
    assert refusal("password", account_active=False) == RESET_INACTIVE_ACCOUNT
    assert refusal("second_factor", account_has_second_factor=False) == NO_SECOND_FACTOR_TO_RESET
    assert refusal("password", account_has_second_factor=False) is None
    assert refusal("password", second_factor_reset_by=1) == PASSWORD_AFTER_OWN_SECOND_FACTOR_RESET
    assert refusal("password", second_factor_reset_by=3) is None
    assert refusal("second_factor", password_reset_by=1) == SECOND_FACTOR_AFTER_OWN_PASSWORD_RESET
    assert refusal("second_factor", creator_id=1) is not None  # the rule of issue 15 still holds


def test_an_admin_resets_a_password_and_the_user_must_choose_a_new_one(app, web_as, make_user):
    admin = web_as("admin")
    officer = make_user("case_officer")
    officer_browser = web_as(officer)
    page = text_of(admin.get(f"/admin/users/{officer.id}"))
    assert "Reset password" in page and officer.email in page
    check = text_of(admin.get(f"/admin/users/{officer.id}/reset-password"))
    assert "Check before you reset the password" in check and "Every session" in check
    assert fresh(officer).password_hash == officer.password_hash  # a GET changes nothing

    response = reset_password(admin, officer)
    assert response.status_code == 200, text_of(response)[:2000]
    temporary = temporary_password(response)
    assert len(temporary) >= 12 and "shown only once" in text_of(response)
    assert response.headers["Cache-Control"] == "no-store"
    stored = fresh(officer)
    assert stored.must_change_password and stored.password_reset_by_id == admin.user.id
    # Every session of the user ended; the old password no longer works.
    assert officer_browser.get("/").headers["Location"].startswith("/sign-in")
    assert (
        app.test_client()
        .post("/sign-in", data={"email": officer.email, "password": PASSWORD})
        .status_code
        == 401
    )
    # Audited in the same transaction, with no secret in the trail.
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "user.password_reset")
    ).scalar_one()
    assert event.actor_id == admin.user.id and event.entity_id == str(officer.id)
    trail = json.dumps([e.changes for e in db.session.execute(select(AuditEvent)).scalars()])
    assert temporary not in trail

    # The user signs in with the temporary password and must choose their own first.
    user = app.test_client()
    user.get("/language/en")
    answer = user.post("/sign-in", data={"email": officer.email, "password": temporary})
    assert answer.headers["Location"] == "/account/password"
    assert user.get("/").headers["Location"] == "/account/password"
    assert user.get("/cases/").headers["Location"] == "/account/password"
    assert "An administrator reset your password" in text_of(user.get("/account/password"))
    changed = user.post(
        "/account/password",
        data={"current_password": temporary, "new_password": NEW, "new_password_again": NEW},
    )
    assert changed.status_code == 302, text_of(changed)[:2000]
    assert user.get("/").status_code in (200, 302) and not fresh(officer).must_change_password
    assert user.get("/cases/").status_code == 200
    assert fresh(officer).password_reset_by_id is None


def test_a_temporary_password_stops_working_when_it_expires(app, web_as, make_user):
    admin = web_as("admin")
    officer = make_user("intake_officer")
    temporary = temporary_password(reset_password(admin, officer))
    stored = fresh(officer)
    stored.password_expires_at = clock.now().replace(year=clock.now().year - 1)
    db.session.commit()
    answer = app.test_client().post(
        "/sign-in", data={"email": officer.email, "password": temporary}
    )
    assert answer.status_code == 401


def test_refused_resets_say_why_and_change_nothing(web_as, make_user):
    admin, other_admin = web_as("admin"), web_as("admin")
    # One's own account: the change-password page is the way.
    own = reset_password(admin, admin.user)
    assert own.status_code == 409 and "your own account" in text_of(own)
    # Another administrator's password: never by one administrator (the command line).
    refused = reset_password(admin, other_admin.user)
    assert refused.status_code == 409 and "command line" in text_of(refused)
    assert not fresh(other_admin.user).must_change_password
    # A deactivated account.
    gone = make_user("registrar")
    gone_row = fresh(gone)
    gone_row.active = False
    db.session.commit()
    assert "reactivate" in text_of(reset_password(admin, gone)).lower()
    assert not fresh(gone).must_change_password


def test_one_admin_never_holds_both_the_password_and_the_second_factor(app, web_as, make_user):
    first, second = web_as("admin"), web_as("admin")
    decider = make_user("decision_maker")
    sign_in(app.test_client(), decider)  # enrols a second factor
    path = f"/admin/users/{decider.id}/reset-second-factor"
    check = text_of(first.get(path))
    assert "Check before you reset the second factor" in check
    cleared = first.post(path, data={**opened(first, path), "confirm": "yes"})
    assert cleared.status_code == 302 and fresh(decider).totp_secret is None
    # The same admin may not now give the account a password too...
    refused = reset_password(first, decider)
    assert refused.status_code == 409 and "another administrator" in text_of(refused)
    assert not fresh(decider).must_change_password
    # ... another may, and then that one may not clear the second factor of the account.
    assert reset_password(second, decider).status_code == 200
    assign_totp_secret(SYSTEM, fresh(decider), "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")  # enrolled again
    db.session.commit()
    seen = opened(second, f"/admin/users/{decider.id}")
    again = second.post(path, data={**seen, "confirm": "yes"})
    assert again.status_code == 409 and "another administrator" in text_of(again)


def test_a_save_over_a_change_not_seen_is_refused_and_shows_it(web_as, make_user):
    first, second = web_as("admin"), web_as("admin")
    officer = make_user("case_officer")
    seen_by_first = opened(first, f"/admin/users/{officer.id}")
    epoch = fresh(officer).session_epoch
    second.post(
        f"/admin/users/{officer.id}",
        data={**opened(second, f"/admin/users/{officer.id}"), "_action": "deactivate"},
    )
    assert not fresh(officer).active
    epoch = fresh(officer).session_epoch
    late = first.post(
        f"/admin/users/{officer.id}", data={**seen_by_first, "_action": "end_sessions"}
    )
    assert late.status_code == 409
    page = text_of(late)
    assert "changed this account" in page and second.user.email in page
    assert "What changed since you opened this page" in page and "End sessions" in page
    assert "Account deactivated" in page
    assert fresh(officer).session_epoch == epoch  # nothing done
    # The page now carries the version it has just shown: saving again is a knowing decision.
    html = late.get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', html).group(1)
    assert version == str(fresh(officer).version)

    # The reset page likewise: a reset over a change not seen resets nothing.
    second.post(
        f"/admin/users/{officer.id}",
        data={**opened(second, f"/admin/users/{officer.id}"), "_action": "activate"},
    )
    path = f"/admin/users/{officer.id}/reset-password"
    stale = opened(first, path)
    second.post(
        f"/admin/users/{officer.id}",
        data={**opened(second, f"/admin/users/{officer.id}"), "_action": "end_sessions"},
    )
    answer = first.post(path, data={**stale, "confirm": "yes"})
    assert answer.status_code == 409 and not fresh(officer).must_change_password
    assert 'id="temporary-password"' not in answer.get_data(as_text=True)


def test_approving_a_role_over_a_change_not_seen_is_refused(web_as, make_user):
    from sdp.auth.grants import propose_role
    from sdp.domain.vocabulary import Role

    first, second, third = web_as("admin"), web_as("admin"), web_as("admin")
    officer = make_user("reviewer")
    grant = propose_role(third.user.principal, fresh(officer), Role.CASE_OFFICER)
    db.session.commit()
    path = f"/admin/grants/{grant.id}"
    seen = opened(first, path)
    second.post(
        f"/admin/users/{officer.id}",
        data={**opened(second, f"/admin/users/{officer.id}"), "_action": "deactivate"},
    )
    late = first.post(path, data={**seen, "_action": "approve"})
    assert late.status_code == 409 and "changed this account" in text_of(late)
    assert Role.CASE_OFFICER not in fresh(officer).roles


def test_the_forgotten_password_page_says_what_to_ask_for(client):
    client.get("/language/en")
    page = text_of(client.get("/sign-in/forgotten-password"))
    assert "ask them to reset your password" in page
    assert "temporary password" in page and "choose your own" in page


@pytest.mark.parametrize("lang", ["es", "pt"])
def test_the_reset_pages_speak_the_users_language(web_as, make_user, lang):
    admin = web_as("admin", lang=lang)
    officer = make_user("case_officer")
    for path in (
        f"/admin/users/{officer.id}",
        f"/admin/users/{officer.id}/reset-password",
        f"/admin/users/{officer.id}/reset-second-factor",
    ):
        page = text_of(admin.get(path))
        for english in ("Reset password", "Check before you reset", "What happens"):
            assert english not in page, (path, english)
    page = text_of(reset_password(admin, officer))
    assert "shown only once" not in page and "Password reset" not in page


def test_the_command_line_resets_another_administrators_password(app, make_user):
    admin = make_user("admin")
    result = app.test_cli_runner().invoke(args=["users", "reset-password", admin.email])
    assert result.exit_code == 0, result.output
    temporary = re.search(r"Temporary password: (\S+)", result.output).group(1)
    assert fresh(admin).must_change_password
    client = app.test_client()
    answer = client.post("/sign-in", data={"email": admin.email, "password": temporary})
    assert answer.status_code == 302  # then the second factor, then the new password
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "user.password_reset")
    ).scalar_one()
    assert event.actor_kind == "system" and temporary not in json.dumps(event.changes)


def test_a_second_factor_reset_needs_the_check_page(web_as, make_user):
    admin = web_as("admin")
    decider = make_user("decision_maker")
    assign_totp_secret(SYSTEM, fresh(decider), "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    db.session.commit()
    path = f"/admin/users/{decider.id}/reset-second-factor"
    assert admin.post(path, data=opened(admin, path)).status_code == 400  # no confirmation
    assert fresh(decider).totp_secret
