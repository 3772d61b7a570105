"""The audit trail: every change and every read of personal data, append-only."""


def init_app(app) -> None:
    # Imported when used: every module of this package imports the package first.
    from . import journal
    from .cli import audit_cli

    journal.init_app(app)
    app.cli.add_command(audit_cli)
