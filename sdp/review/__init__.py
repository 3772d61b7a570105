"""What legislators read: the procedure as data and as a diagram, and aggregate results with
disclosure control; never personal data (``fence.py``)."""


def init_app(app) -> None:
    from .. import request_hooks
    from ..api import register_api_blueprint
    from .api import blp
    from .fence import reviewer_fence
    from .statistics_api import blp as statistics_blp
    from .views import bp

    register_api_blueprint(app, blp)
    register_api_blueprint(app, statistics_blp)
    app.register_blueprint(bp)
    request_hooks.before(app, "reviewer_fence")(reviewer_fence)
