"""What legislators read: the procedure as data, and aggregate results."""


def init_app(app) -> None:
    from ..api import register_api_blueprint
    from .api import blp

    register_api_blueprint(app, blp)
