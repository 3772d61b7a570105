"""``flask --app sdp registry checks``: who checked a person, for the Ombudsman or the person."""

import click
from flask.cli import AppGroup

registry = AppGroup("registry", help="The civil registry checks of partner systems.")


@registry.command("checks")
@click.option("--given-names", required=True)
@click.option("--family-names", required=True)
@click.option(
    "--date-of-birth", required=True, type=click.DateTime(formats=["%Y-%m-%d"]), help="YYYY-MM-DD"
)
def checks_command(given_names, family_names, date_of_birth):
    """List every partner check of this person: when, which client and token, what it matched."""
    # Could move to the top (no cycle needs it here): left for the package's owners.
    from .audit import person_checks

    events = person_checks(given_names, family_names, date_of_birth.date())
    if not events:
        click.echo("No partner has checked this person.")
        return
    for event in events:
        changes = event.changes or {}
        matches = ", ".join(changes.get("matches") or []) or "no case"
        click.echo(
            f"{event.at:%Y-%m-%d %H:%M:%S}  {event.actor_label} (token {changes.get('token_id')})  "
            f"→ {matches}"
        )
