"""``flask --app sdp audit verify``: check the audit trail's hash chain."""

import click
from flask.cli import AppGroup

audit_cli = AppGroup("audit", help="The audit trail.")


@audit_cli.command("verify")
@click.option(
    "--anchor",
    "anchors",
    multiple=True,
    help="A head hash printed by an earlier verification (repeat for each lane): fail if it is "
    "no longer in the chain.",
)
def verify_command(anchors):
    """Report the first altered, inserted or deleted audit event (exit 1), or that the chain is
    intact, with the head of each lane (keep them elsewhere, and pass them later as --anchor)."""
    # Could move to the top (no cycle needs it here): left for the package's owners.
    from ..extensions import db

    # Could move to the top (no cycle needs it here): left for the package's owners.
    from .chain import verify

    report = verify(db.session, anchors=anchors)
    if report.problem is not None:
        click.echo(f"audit chain broken: {report.problem.message}", err=True)
        raise SystemExit(1)
    click.echo(f"chain intact, {report.events} events in {len(report.heads)} lane(s)")
    for lane, head in report.heads.items():
        click.echo(f"lane {lane} head {head}")
