"""``flask --app sdp audit verify``: check the audit trail's hash chain."""

import click
from flask.cli import AppGroup

audit_cli = AppGroup("audit", help="The audit trail.")


@audit_cli.command("verify")
@click.option("--anchor", help="A head hash printed by an earlier verification: fail if it is no longer in the chain.")
def verify_command(anchor):
    """Report the first altered, inserted or deleted audit event (exit 1), or that the chain is intact."""
    from ..extensions import db
    from .chain import verify

    report = verify(db.session, anchor=anchor)
    if report.problem is not None:
        click.echo(f"audit chain broken: {report.problem.message}", err=True)
        raise SystemExit(1)
    click.echo(f"chain intact, {report.events} events; head {report.head or '-'}")
