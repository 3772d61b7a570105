"""``flask --app sdp keys rotate|generate``, ``backup PATH``, ``restore PATH``."""

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from ..crypto import generate_key, keyring, kids_in_use
from ..extensions import db
from ..unit_of_work import unit_of_work
from .backup import BackupError, backup, restore
from .keys import RotationIncomplete, rotate

keys_cli = AppGroup("keys", help="The data keys that encrypt sensitive text and files at rest.")


@keys_cli.command("rotate")
@click.option(
    "--no-wait",
    is_flag=True,
    help="Do not wait for running app processes to pick up the new key "
    "(only when the app is stopped).",
)
def rotate_command(no_wait):
    """Make a new key current, re-encrypt every value and file, then forget the old keys."""

    ring = keyring()
    if ring.file is None and len(ring.keys) < 2:
        raise click.ClickException(
            "SDP_DATA_KEYS has one key: put a new key first (flask --app sdp keys generate), "
            "keep the old ones after it, restart the app, then rotate."
        )
    try:
        # The re-encryption commits batch by batch (a rerun finishes an interrupted rotation);
        # the rotation's own audit event is this command's unit of work.
        with unit_of_work():
            result = rotate(ring, wait_for_processes=not no_wait)
    except RotationIncomplete as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"Re-encrypted {result.values} values and {result.files} files with key {result.new_kid}."
    )
    if result.retired and not result.key_file_updated:
        click.echo(f"Now remove the old keys ({', '.join(result.retired)}) from SDP_DATA_KEYS.")
    elif result.retired:
        click.echo(
            f"Old keys removed from {ring.file}: {', '.join(result.retired)}. Backups made before "
            f"now need them: they are in {result.archive}; keep that file with those backups "
            "(apart from them)."
        )


@keys_cli.command("generate")
def generate_command():
    """Print a new key for SDP_DATA_KEYS (id:base64), on the last line."""

    click.echo(generate_key().export())


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path):
    """Write a consistent backup of the database to PATH (SQLite online backup, or pg_dump -Fc)."""
    # Not moved yet: these came with the last merge of main (check for a cycle first).
    from ..audit.journal import chain_now
    from ..extensions import db
    from .backup import BackupError

    chain_now()  # partner checks still in this server's audit journal go into the backup too
    try:
        backup(db.engine, path)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"Backup written to {path} ({path.stat().st_size} bytes). It is readable only with the "
        f"data keys ({current_app.config['DATA_KEYS_FILE']} or SDP_DATA_KEYS): keep them apart "
        "from it."
    )


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(path, yes):
    """Replace the database's content with the backup at PATH. Stop the app first."""

    if not yes:
        click.confirm(
            f"Replace everything in {db.engine.url.render_as_string(hide_password=True)} with "
            f"{path}?",
            abort=True,
        )
    try:
        restore(db.engine, path)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored {path}. Check it with: flask --app sdp audit verify")

    with unit_of_work():
        missing = sorted(kids_in_use(db.session, db.metadata) - set(keyring().kids()))
    if missing:
        raise click.ClickException(
            "The restored data is encrypted with keys this installation no longer has: "
            f"{', '.join(missing)}. Add "
            "them after the current key (from the data_keys.retired file kept with the backup), "
            "then run "
            "flask --app sdp keys rotate."
        )


def register(app: Flask) -> None:
    app.cli.add_command(keys_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
