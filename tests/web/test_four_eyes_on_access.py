"""Four eyes on access itself (issue 15): a role that reads personal data, or the admin role, takes
two admins. The attack replayed: an admin creates an account with case roles and a password they
know, signs in with it, and reads a case. Rule: sdp/domain/access.py; changes: sdp/auth/grants.py.
"""

import re

from sqlalchemy import select

from sdp.audit.models import AuditEvent
from sdp.auth import grants
from sdp.auth.models import RoleGrant, User
from sdp.auth.principal import SYSTEM
from sdp.auth.services import assign_totp_secret
from sdp.domain.access import (
    APPROVER_CREATED_THE_ACCOUNT,
    APPROVER_IS_THE_GRANTEE,
    APPROVER_PROPOSED_IT,
    ROLES_GRANTED_BY_TWO_ADMINS,
    approval_refusal,
)
from sdp.domain.vocabulary import Role
from sdp.extensions import db
from tests.cases.helpers import register

from .conftest import sign_in, text_of

KNOWN_PASSWORD = "the admin knows this one 2026"
CASE_ROLES = ["supervisor", "case_officer", "intake_officer"]


def account(email: str) -> User:
    db.session.expire_all()
    return db.session.execute(select(User).where(User.email == email)).scalar_one()


def grants_of(user: User) -> list[RoleGrant]:
    return list(
        db.session.execute(
            select(RoleGrant).where(RoleGrant.user_id == user.id).order_by(RoleGrant.role)
        ).scalars()
    )


def create_on_the_page(admin_client, email: str, roles: list[str]):
    return admin_client.post(
        "/admin/users",
        data={"name": "Cuenta Nueva", "email": email, "roles": roles, "password": KNOWN_PASSWORD},
    )


def test_the_rule_who_may_approve_what():
    assert (
        approval_refusal(approver_id=1, grantee_id=1, proposer_id=2, account_creator_id=None)
        == APPROVER_IS_THE_GRANTEE
    )
    assert (
        approval_refusal(approver_id=1, grantee_id=3, proposer_id=1, account_creator_id=None)
        == APPROVER_PROPOSED_IT
    )
    assert (
        approval_refusal(approver_id=1, grantee_id=3, proposer_id=2, account_creator_id=1)
        == APPROVER_CREATED_THE_ACCOUNT
    )
    assert (
        approval_refusal(approver_id=1, grantee_id=3, proposer_id=2, account_creator_id=2) is None
    )
    assert (
        approval_refusal(approver_id=1, grantee_id=3, proposer_id=None, account_creator_id=None)
        is None
    )
    # Every role that reads personal data, and the admin role; not the reviewers' (aggregates only).
    assert ROLES_GRANTED_BY_TWO_ADMINS == set(Role) - {Role.REVIEWER}


def test_an_admin_cannot_give_an_account_access_to_cases_alone(app, web_as, api_as):
    """Issue 15's attack: the account exists and signs in, but reads no case until a second admin
    approves."""
    case = register(api_as("intake_officer"))
    admin, second_admin = web_as("admin"), web_as("admin")
    response = create_on_the_page(admin, "insider@test.sdp.pe", CASE_ROLES)
    assert response.status_code == 302
    insider = account("insider@test.sdp.pe")
    assert insider.roles == frozenset() and insider.created_by_id == admin.user.id
    assert sorted(grant.role for grant in grants_of(insider)) == sorted(CASE_ROLES)
    assert {grant.status for grant in grants_of(insider)} == {"pending"}

    attacker = app.test_client()
    attacker.get("/language/en")
    sign_in(attacker, insider, KNOWN_PASSWORD)
    assert attacker.get(f"/cases/{case['id']}").status_code == 403
    assert attacker.get("/cases/").status_code == 403
    assert "You have no role yet" in text_of(attacker.get("/"))

    # The admin who created it cannot approve its roles, on the page or by posting anyway.
    for grant in grants_of(insider):
        page = admin.get(f"/admin/grants/{grant.id}")
        assert "another administrator must approve" in text_of(
            page
        ) and 'value="approve"' not in page.get_data(as_text=True)
        admin.post(f"/admin/grants/{grant.id}", data={"_action": "approve"})
    assert account("insider@test.sdp.pe").roles == frozenset()
    assert attacker.get(f"/cases/{case['id']}").status_code == 403

    # A second admin checks each proposal and approves it: the access starts with a fresh sign-in.
    for grant in grants_of(insider):
        page = second_admin.get(f"/admin/grants/{grant.id}")
        assert "Check the role before you approve it" in text_of(
            page
        ) and "insider@test.sdp.pe" in text_of(page)
        assert (
            second_admin.post(f"/admin/grants/{grant.id}", data={"_action": "approve"}).status_code
            == 302
        )
    insider = account("insider@test.sdp.pe")
    assert insider.roles == {Role(role) for role in CASE_ROLES}
    assert attacker.get(f"/cases/{case['id']}").status_code == 302  # the old session has ended
    sign_in(
        attacker, insider, KNOWN_PASSWORD
    )  # now with the supervisor's second factor, enrolled here
    assert account("insider@test.sdp.pe").totp_secret
    assert attacker.get(f"/cases/{case['id']}").status_code == 200

    events = (
        db.session.execute(
            select(AuditEvent).where(AuditEvent.action.like("role_grant.%")).order_by(AuditEvent.id)
        )
        .scalars()
        .all()
    )
    proposals = [event for event in events if event.action == "role_grant.propose"]
    approvals = [event for event in events if event.action == "role_grant.approve"]
    assert len(proposals) == 3 and {event.actor_id for event in proposals} == {admin.user.id}
    assert len(approvals) == 3 and {event.actor_id for event in approvals} == {second_admin.user.id}


def test_no_admin_approves_a_role_for_themselves_or_one_they_proposed(app, web_as, make_user):
    first, second = web_as("admin"), web_as("admin")
    assert (
        first.post(
            "/admin/grants", data={"user": str(first.user.id), "role": "supervisor"}
        ).status_code
        == 302
    )
    (grant,) = grants_of(first.user)
    assert "You cannot approve a role for yourself" in text_of(
        first.get(f"/admin/grants/{grant.id}")
    )
    first.post(f"/admin/grants/{grant.id}", data={"_action": "approve"})
    assert Role.SUPERVISOR not in account(first.user.email).roles

    clerk = make_user("reviewer")
    second.post("/admin/grants", data={"user": str(clerk.id), "role": "admin"})
    (proposal,) = grants_of(clerk)
    assert "You proposed this role" in text_of(second.get(f"/admin/grants/{proposal.id}"))
    second.post(f"/admin/grants/{proposal.id}", data={"_action": "approve"})
    assert account(clerk.email).roles == {Role.REVIEWER}
    first.post(f"/admin/grants/{proposal.id}", data={"_action": "approve"})
    assert account(clerk.email).roles == {Role.REVIEWER, Role.ADMIN}


def test_the_creator_of_an_account_cannot_approve_a_role_another_admin_proposed(web_as):
    creator, proposer, third = web_as("admin"), web_as("admin"), web_as("admin")
    create_on_the_page(creator, "legislator@test.sdp.pe", ["reviewer"])
    legislator = account("legislator@test.sdp.pe")
    assert legislator.roles == {
        Role.REVIEWER
    }  # a role without personal data: at once, by one admin
    proposer.post("/admin/grants", data={"user": str(legislator.id), "role": "registrar"})
    (grant,) = grants_of(legislator)
    assert "You created this account" in text_of(creator.get(f"/admin/grants/{grant.id}"))
    creator.post(f"/admin/grants/{grant.id}", data={"_action": "approve"})
    assert Role.REGISTRAR not in account(legislator.email).roles
    third.post(f"/admin/grants/{grant.id}", data={"_action": "approve"})
    assert Role.REGISTRAR in account(legislator.email).roles


def test_a_refused_role_is_never_held_and_the_refusal_is_audited(web_as, make_user):
    first, second = web_as("admin"), web_as("admin")
    clerk = make_user("reviewer")
    first.post("/admin/grants", data={"user": str(clerk.id), "role": "case_officer"})
    (grant,) = grants_of(clerk)
    assert second.post(f"/admin/grants/{grant.id}", data={"_action": "refuse"}).status_code == 302
    db.session.expire_all()
    assert grant.status == "refused" and grant.decided_by_id == second.user.id
    assert Role.CASE_OFFICER not in account(clerk.email).roles
    assert first.post(f"/admin/grants/{grant.id}", data={"_action": "approve"}).status_code == 302
    assert Role.CASE_OFFICER not in account(clerk.email).roles  # a decided proposal stays decided
    refusal = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "role_grant.refuse")
    ).scalar_one()
    assert refusal.actor_id == second.user.id


def test_the_users_page_lists_roles_awaiting_approval_by_name(web_as, make_user):
    first, second = web_as("admin"), web_as("admin")
    assert "No role awaits approval" in text_of(first.get("/admin/users"))
    clerk = make_user("reviewer", name="Rosa Huamán")
    first.post("/admin/grants", data={"user": str(clerk.id), "role": "decision_maker"})
    page = text_of(second.get("/admin/users"))
    assert re.search(r"Roles awaiting approval \(1\).*Rosa Huamán.*Decision-maker", page), page[
        :3000
    ]
    html = second.get("/admin/users").get_data(as_text=True)
    assert (
        f'<option value="{clerk.id}">Rosa Huamán ({clerk.email})</option>' in html
    )  # chosen by name
    assert "Check and decide" in html


def test_a_role_already_held_or_already_proposed_is_refused_on_its_field(web_as, make_user):
    admin = web_as("admin")
    clerk = make_user("case_officer")
    response = admin.post("/admin/grants", data={"user": str(clerk.id), "role": "case_officer"})
    assert response.status_code == 422 and "already has the role" in text_of(response)
    admin.post("/admin/grants", data={"user": str(clerk.id), "role": "supervisor"})
    response = admin.post("/admin/grants", data={"user": str(clerk.id), "role": "supervisor"})
    assert response.status_code == 422 and "already proposed" in text_of(response)
    response = admin.post("/admin/grants", data={"user": "", "role": ""})
    assert (
        response.status_code == 422
        and "Choose the person" in text_of(response)
        and "Choose the role" in text_of(response)
    )


def test_a_first_role_with_personal_data_clears_a_second_factor_set_up_before(web_as, make_user):
    first, second = web_as("admin"), web_as("admin")
    clerk = make_user("reviewer")
    assign_totp_secret(SYSTEM, clerk, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    epoch = account(clerk.email).session_epoch
    first.post("/admin/grants", data={"user": str(clerk.id), "role": "supervisor"})
    (grant,) = grants_of(clerk)
    grants.approve_grant(second.user.principal, grant)
    clerk = account(clerk.email)
    assert clerk.totp_secret is None and clerk.session_epoch == epoch + 1


def test_the_command_line_grants_at_once_for_the_first_set_up_and_is_audited(app):

    result = app.test_cli_runner().invoke(
        args=[
            "users",
            "create",
            "first-admin@test.sdp.pe",
            "--role",
            "admin",
            "--name",
            "Primera Admin",
            "--password-stdin",
        ],
        input=KNOWN_PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    first = account("first-admin@test.sdp.pe")
    assert first.roles == {Role.ADMIN} and first.created_by_id is None
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "user.create")
    ).scalar_one()
    assert event.actor_kind == "system" and event.entity_id == str(first.id)


def test_the_creator_of_an_account_cannot_clear_its_second_factor(web_as):
    """Else the admin who chose the first password could clear the holder's authenticator, enrol
    their own and sign in as the account after its roles were approved."""
    creator, other = web_as("admin"), web_as("admin")
    create_on_the_page(creator, "officer@test.sdp.pe", ["reviewer"])
    officer = account("officer@test.sdp.pe")
    assign_totp_secret(SYSTEM, officer, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    response = creator.post(
        f"/admin/users/{officer.id}/reset-second-factor", data={"confirm": "yes"}
    )
    assert "another administrator must clear its second factor" in text_of(response)
    assert account("officer@test.sdp.pe").totp_secret
    other.post(f"/admin/users/{officer.id}/reset-second-factor", data={"confirm": "yes"})
    assert account("officer@test.sdp.pe").totp_secret is None
