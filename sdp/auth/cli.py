"""The staff users' and API tokens' commands (contract.md): ``users create|reset-password``,
``tokens create|list|revoke``."""

import sys
from datetime import datetime

import click
from flask.cli import AppGroup
from sqlalchemy import select

from .. import clock
from ..domain.vocabulary import Role, Scope, values
from ..extensions import db
from ..unit_of_work import unit_of_work
from .models import User
from .principal import SYSTEM
from .services import (
    AccountError,
    create_user,
    issue_token,
    list_tokens,
    reset_password,
    revoke_token,
    token_status,
)

users = AppGroup("users", help="Staff users.")
tokens = AppGroup("tokens", help="API tokens for staff users and partner systems.")


@users.command("create")
@click.argument("email")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice(values(Role)),
    help="A role; repeat for several.",
)
@click.option("--name", required=True, help="The person's full name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user_command(email, roles, name, password_stdin):
    """Create a staff user. The password is read from standard input or prompted."""

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        with unit_of_work():
            user = create_user(SYSTEM, email, name, list(roles), password)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Created user {user.email} with roles {', '.join(sorted(roles))}.")


@users.command("reset-password")
@click.argument("email")
def reset_password_command(email):
    """Reset a staff member's password (an administrator's: no administrator resets another's on
    the pages). Prints a temporary password, once: give it in person; the user chooses their own
    at the next sign-in. Every session of the user ends."""

    try:
        with unit_of_work():
            user = db.session.execute(
                select(User).where(User.email == email.strip().lower())
            ).scalar_one_or_none()
            if user is None:
                raise AccountError(f"There is no user {email}.")
            temporary = reset_password(SYSTEM, user)
            until = user.password_expires_at
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"The password of {user.email} is reset; every session of theirs has ended.")
    click.echo(f"Temporary password: {temporary}")
    click.echo(f"It works until {until:%Y-%m-%d %H:%M}, only to choose a new one at sign-in.")


@tokens.command("create")
@click.option("--user", "user_email", help="Email of the staff user the token acts as.")
@click.option("--client", "client_name", help="Name of the partner system.")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    help="A scope of a partner token (registry:read); repeat for several.",
)
@click.option(
    "--expires",
    "expires",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Expiry date (YYYY-MM-DD): the token stops working at 00:00, Lima time, that day.",
)
def create_token_command(user_email, client_name, scopes, expires):
    """Print a new API token on the last line of standard output. It is shown only once."""

    if bool(user_email) == bool(client_name):
        raise click.UsageError("Give either --user EMAIL or --client NAME.")
    if client_name and not scopes:
        raise click.UsageError("A partner token needs at least one --scope.")
    if user_email and scopes:
        raise click.UsageError(
            "A user's token acts with the user's roles; --scope is for partner tokens."
        )
    unknown = [scope for scope in scopes if scope not in values(Scope)]
    if unknown:
        raise click.UsageError(
            f"Unknown scope: {', '.join(unknown)}. Known: {', '.join(values(Scope))}."
        )
    expires_at = expires.replace(tzinfo=clock.PERU) if isinstance(expires, datetime) else None
    if expires_at is not None and expires_at.date() <= clock.today():
        raise click.UsageError(
            "--expires must be a date after today (the token stops working at 00:00, Lima time, "
            "that day)."
        )
    try:
        with unit_of_work():
            token, raw = issue_token(
                SYSTEM,
                user_email=user_email,
                client_name=client_name,
                scopes=list(scopes),
                expires_at=expires_at,
            )
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Token {token.prefix}… created; store it now, it is not shown again:", err=True)
    click.echo(raw)


@tokens.command("list")
def list_tokens_command():
    """List every token: id, prefix, who it acts as, scopes, created, expires, status. Never the
    token."""

    def day(moment):
        return f"{moment:%Y-%m-%d}"

    rows = [("ID", "PREFIX", "ACTS AS", "SCOPES", "CREATED", "EXPIRES", "STATUS")]
    with unit_of_work():
        tokens_listed = list_tokens()
    for token in tokens_listed:
        acts_as = f"user {token.user.email}" if token.user else f"client {token.client_name}"
        status = token_status(token)
        if status == "revoked":
            status = f"revoked {day(token.revoked_at)}"
        rows.append(
            (
                str(token.id),
                token.prefix,
                acts_as,
                ",".join(token.scopes or []) or "-",
                day(token.created_at),
                day(token.expires_at) if token.expires_at else "never",
                status,
            )
        )
    if len(rows) == 1:
        click.echo("No tokens.")
        return
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    for row in rows:
        click.echo(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )


@tokens.command("revoke")
@click.argument("prefix_or_id")
def revoke_token_command(prefix_or_id):
    """Revoke a token, given its id or prefix as `tokens list` shows them. It stops working at
    once."""

    try:
        with unit_of_work():
            token = revoke_token(SYSTEM, prefix_or_id)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    acts_as = f"user {token.user.email}" if token.user else f"client {token.client_name}"
    click.echo(f"Revoked token {token.prefix}… ({token.id}) of {acts_as}.")
