"""The app-wide commands (contract.md): ``demo-data`` and ``procedure-doc``; each feature registers
its own (``users`` and ``tokens`` in ``sdp/auth/cli.py``, ``documents``, ``registry``, ``audit``).

``db upgrade`` comes from Flask-Migrate.
"""

import click
from flask import Flask

from . import PROJECT_ROOT
from .demo import database_is_empty, load_demo_data
from .domain.policy import DEFAULT_POLICY
from .review.procedure_doc import in_every_language
from .unit_of_work import unit_of_work


@click.command("demo-data")
@click.option("--if-empty", is_flag=True, help="Load only when the database has no users.")
def demo_data_command(if_empty):
    """Load a realistic demo data set: users of every role, cases in every state, births,
    documents."""

    if if_empty and not database_is_empty():
        click.echo("The database already has data; demo data not loaded.")
        return
    with unit_of_work():
        summary = load_demo_data()
    click.echo(summary)


@click.command("procedure-doc")
@click.option(
    "--check", is_flag=True, help="Exit 1 when a docs/procedure*.md differs from the definition."
)
def procedure_doc_command(check):
    """Write docs/procedure.md (English), procedure.es.md and procedure.pt.md from the procedure
    definition (default policy settings)."""

    for name, text in in_every_language(DEFAULT_POLICY).items():
        path = PROJECT_ROOT / "docs" / name
        if not check:
            path.write_text(text)
            click.echo(f"Wrote {path}.")
        elif not path.exists() or path.read_text() != text:
            raise click.ClickException(
                f"docs/{name} differs from the procedure definition; run `flask --app sdp "
                "procedure-doc`."
            )
    if check:
        click.echo(
            "docs/procedure.md, procedure.es.md and procedure.pt.md match the procedure definition."
        )


def register(app: Flask) -> None:
    app.cli.add_command(procedure_doc_command)
    app.cli.add_command(demo_data_command)
