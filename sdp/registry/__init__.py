"""Civil registry checks for partner systems: the least data that serves each check."""


def init_app(app) -> None:
    from ..api import register_api_blueprint
    from .api import blp
    from .cli import registry

    register_api_blueprint(app, blp)
    app.cli.add_command(registry)
