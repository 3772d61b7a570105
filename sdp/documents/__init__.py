"""Statelessness documentation: certificates, identity and travel documents, letters, records."""


def init_app(app) -> None:
    from ..api import register_api_blueprint
    from . import views
    from .api import blp
    from .cli import documents

    register_api_blueprint(app, blp)
    views.register(app)
    app.cli.add_command(documents)
