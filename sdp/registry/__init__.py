"""Civil registry checks for partner systems: the least data that serves each check."""

from flask import request

from .fields import REGISTRY_PREFIX


def init_app(app) -> None:
    # Could move to the top (no cycle needs it here): left for the package's owners.
    from ..api import register_api_blueprint

    # Imported when used: every module of this package imports the package first.
    from .api import blp

    # Imported when used: every module of this package imports the package first.
    from .cli import registry

    register_api_blueprint(app, blp)
    app.cli.add_command(registry)

    @app.after_request
    def _registry_answers_are_not_cached(response):
        # Answers about people (every registry check, whichever feature serves it): no proxy
        # or browser keeps a copy.
        if request.path.startswith(REGISTRY_PREFIX):
            response.headers["Cache-Control"] = "no-store"
        return response
