"""The audit trail: every change and every read of personal data, append-only."""


def init_app(app) -> None:
    from .cli import audit_cli

    app.cli.add_command(audit_cli)
