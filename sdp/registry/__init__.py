"""Civil registry checks for partner systems: the least data that serves each check."""


def init_app(app) -> None:
    # Could move to the top (no cycle needs it here): left for the package's owners.
    from ..api import register_api_blueprint

    # Imported when used: every module of this package imports the package first.
    from .api import blp

    # Imported when used: every module of this package imports the package first.
    from .cli import registry

    register_api_blueprint(app, blp)
    app.cli.add_command(registry)
