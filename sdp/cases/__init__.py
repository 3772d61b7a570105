"""Applications and their examination: intake, relevant States, evidence, inquiries,
interviews, recommendations, decisions and appeals."""


def init_app(app) -> None:
    # Could move to the top (no cycle needs it here): left for the package's owners.
    from ..api import register_api_blueprint

    # Imported when used: every module of this package imports the package first.
    from .api import blp

    register_api_blueprint(app, blp)

    # Imported when used: every module of this package imports the package first.
    from .views import bp as web_bp

    app.register_blueprint(web_bp)
