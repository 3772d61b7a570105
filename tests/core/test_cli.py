"""The command line of contract.md."""

import pytest
from sqlalchemy import select

from sdp.auth.models import User
from sdp.extensions import db


def test_users_create_reads_the_password_from_stdin_and_accepts_several_roles(app):
    result = app.test_cli_runner().invoke(
        args=[
            "users",
            "create",
            "ana@example.pe",
            "--role",
            "case_officer",
            "--role",
            "decision_maker",
            "--name",
            "Ana Pérez",
            "--password-stdin",
        ],
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.execute(select(User).where(User.email == "ana@example.pe")).scalar_one()
    assert {r.value for r in user.roles} == {"case_officer", "decision_maker"}
    assert "a long enough password" not in user.password_hash


def test_users_create_refuses_a_short_password(app):
    result = app.test_cli_runner().invoke(
        args=[
            "users",
            "create",
            "b@example.pe",
            "--role",
            "registrar",
            "--name",
            "B",
            "--password-stdin",
        ],
        input="short\n",
    )
    assert result.exit_code != 0 and "at least" in result.output


def test_tokens_create_prints_a_working_token_on_the_last_line(app, client, make_user):
    user = make_user("supervisor")
    result = app.test_cli_runner().invoke(args=["tokens", "create", "--user", user.email])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    response = client.get("/api/v1/applications/999", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 404  # authenticated, the case does not exist


def test_partner_tokens_need_a_scope(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["tokens", "create", "--client", "RENIEC"]).exit_code != 0
    ok = runner.invoke(args=["tokens", "create", "--client", "RENIEC", "--scope", "registry:read"])
    assert ok.exit_code == 0 and ok.output.strip().splitlines()[-1].startswith("sdp_")


@pytest.mark.slow  # 5-11 s
def test_demo_data_loads_cases_in_every_state_once(app):
    from sdp.cases.models import Application

    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo-data", "--if-empty"]).exit_code == 0
    states = set(db.session.execute(select(Application.state)).scalars())
    assert states >= {
        "registered",
        "under_examination",
        "pending_decision",
        "recognized",
        "rejected",
        "under_appeal",
        "withdrawn",
        "closed",
        "referred",
        "ceased",
        "cancelled",
    }
    second = runner.invoke(args=["demo-data", "--if-empty"])
    assert "already has data" in second.output


def test_procedure_doc_check_passes(app):
    result = app.test_cli_runner().invoke(args=["procedure-doc", "--check"])
    assert result.exit_code == 0, result.output
