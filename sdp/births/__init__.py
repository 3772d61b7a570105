"""Birth registration of children born in Peru (ius soli), foundlings and children of Peruvians
born abroad: the registrar's forms and API, the civil registry check, and statistics."""

from ..api import register_api_blueprint


def init_app(app) -> None:
    # Imported when used: every module of this package imports the package first.
    from .api import blp, registry_blp

    # Imported when used: every module of this package imports the package first.
    from .views import bp

    register_api_blueprint(app, blp)
    register_api_blueprint(app, registry_blp)
    app.register_blueprint(bp)
