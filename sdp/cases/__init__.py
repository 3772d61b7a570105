"""Applications and their examination: intake, relevant States, evidence, inquiries,
interviews, recommendations, decisions and appeals."""


def init_app(app) -> None:
    from ..api import register_api_blueprint
    from .api import blp

    register_api_blueprint(app, blp)

    from .views import bp as web_bp

    app.register_blueprint(web_bp)
