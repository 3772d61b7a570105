"""``flask --app sdp documents ...``: the signing keys of documents' QR codes."""

import click
from flask.cli import AppGroup

from ..unit_of_work import unit_of_work

documents = AppGroup("documents", help="Statelessness documents: signing keys.")


@documents.command("rotate-key")
def rotate_key_command():
    """Make a new signing key current. The old public key stays published, so documents
    already issued keep verifying; the old private key is deleted."""
    # Could move to the top (no cycle needs it here): left for the package's owners.
    from ..audit import services as audit

    # Could move to the top (no cycle needs it here): left for the package's owners.
    from ..auth.principal import SYSTEM
    from .signing import KeyError_, rotate

    with unit_of_work():
        try:
            new_id, old_id = rotate()
        except KeyError_ as error:
            raise click.ClickException(str(error)) from error
        audit.record(
            SYSTEM,
            "document.rotate_key",
            "document_key",
            new_id,
            changes={"retired": old_id, "current": new_id},
        )
    click.echo(
        f"Documents are now signed with key {new_id}; key {old_id} is retired and still verifies "
        "the documents it signed."
    )


@documents.command("keys")
def keys_command():
    """List the published public keys (current and retired)."""
    # Could move to the top (no cycle needs it here): left for the package's owners.
    from .signing import published_keys

    with unit_of_work():  # the current key is published on first use
        rows = published_keys()
    for row in rows:
        state = f"retired {row.retired_at:%Y-%m-%d}" if row.retired_at else "current"
        click.echo(f"{row.key_id}  {row.algorithm}  {row.public_key}  {state}")
