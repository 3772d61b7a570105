"""Civil registry checks for partner systems: the least data that serves each check."""

from flask import request

from .fields import REGISTRY_PREFIX


def init_app(app) -> None:
    from ..api import register_api_blueprint
    from .api import blp
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
