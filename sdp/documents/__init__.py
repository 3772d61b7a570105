"""Statelessness documentation: certificates, identity and travel documents, letters, records."""


def init_app(app) -> None:
    # Could move to the top (no cycle needs it here): left for the package's owners.
    from ..api import register_api_blueprint

    # Imported when used: every module of this package imports the package first.
    from . import views

    # Imported when used: every module of this package imports the package first.
    from .api import blp

    # Imported when used: every module of this package imports the package first.
    from .cli import documents

    register_api_blueprint(app, blp)
    views.register(app)
    app.cli.add_command(documents)
