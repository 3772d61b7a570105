"""What legislators read: the procedure as data and as a diagram, and aggregate results with
disclosure control; never personal data (``fence.py``)."""

from .. import request_hooks
from ..api import register_api_blueprint


def init_app(app) -> None:
    # Imported when used: every module of this package imports the package first.
    from .api import blp

    # Imported when used: every module of this package imports the package first.
    from .fence import reviewer_fence

    # Imported when used: every module of this package imports the package first.
    from .statistics_api import blp as statistics_blp

    # Imported when used: every module of this package imports the package first.
    from .views import bp

    register_api_blueprint(app, blp)
    register_api_blueprint(app, statistics_blp)
    app.register_blueprint(bp)
    request_hooks.before(app, "reviewer_fence")(reviewer_fence)
