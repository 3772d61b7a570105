"""The statelessness determination procedure (SDP): a Flask application.

``create_app`` builds the app: settings, database, translations, the JSON API (with
its OpenAPI description), the staff pages and the command line.
"""

import importlib
import logging
import os
from pathlib import Path

from flask import Flask, current_app, g, request, session
from werkzeug.exceptions import HTTPException, RequestURITooLarge

from . import config as settings
from . import (
    ratelimit,
    request_hooks,
    sqlite,  # noqa: F401 - SQLite's pragmas and queued writers, on every connection
    unit_of_work,
)
from .converters import DatabaseIdConverter, SerialConverter
from .extensions import babel, csrf, db, login_manager, migrate
from .private_files import create_private_database, make_private_folder
from .registry import lean
from .unit_of_work import App

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(overrides: dict | None = None, instance_path: str | Path | None = None) -> Flask:
    """The app; its private files (secret key, data keys, signing keys, uploads, the SQLite
    database) live in ``instance_path``, else ``SDP_INSTANCE_PATH``, else the checkout's
    ``instance/`` (the tests give each worker a temporary folder)."""

    instance_path = instance_path or os.environ.get("SDP_INSTANCE_PATH")
    app = App(
        __name__,
        instance_path=str(Path(instance_path).resolve()) if instance_path else None,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    make_private_folder(Path(app.instance_path))
    app.url_map.converters["int"] = DatabaseIdConverter  # before any route is added
    app.url_map.converters["serial"] = SerialConverter
    app.config.update(settings.load(app.instance_path, overrides))
    create_private_database(app.config["SQLALCHEMY_DATABASE_URI"])

    from . import crypto, models  # noqa: F401 - every model registered before alembic and create_all look

    crypto.init_app(app)  # the data keys of the encrypted columns

    db.init_app(app)
    unit_of_work.init_app(app)  # its commit registered first: it runs after every other hook
    migrate.init_app(
        app, db, directory=str(PROJECT_ROOT / "migrations"), compare_type=True, render_as_batch=True
    )
    babel.init_app(app, locale_selector=_select_locale)
    login_manager.init_app(app)
    csrf.init_app(app)
    ratelimit.limiter.init_app(app)
    ratelimit.init_app(app)  # the API's own limiter, where Flask-Limiter's check ran
    _register_request_hooks(app)  # the request id (its hooks' order: sdp.request_hooks)
    _register_web_base(app)
    _register_api(app)
    _register_errors(app)
    _register_cli(app)
    request_hooks.install(app)  # every request hook, in its documented order

    lean.mount(app)  # the partner checks' lean path, in front of everything above (issue 17)

    logging.getLogger("sdp").setLevel(logging.INFO)
    return app


def _register_request_hooks(app: Flask) -> None:
    # Imported when used: every module of this package imports the package first.
    from .security.proxies import TrustedProxies, request_id

    # Flask's documented way to wrap the app in a WSGI middleware; mypy refuses assigning to a
    # method.
    app.wsgi_app = TrustedProxies(app)  # type: ignore[method-assign]

    @request_hooks.before(app, "request_state")
    def _request_id():
        g.request_id = request_id()  # never the client's own header unless a trusted proxy sent it
        # An over-long address is refused here, in the contract's format, below the web server's
        # own limit (gunicorn's limit_request_line; docs/deployment.md), which answers in HTML.
        if len(request.environ.get("RAW_URI") or request.full_path) > app.config["MAX_URL_LENGTH"]:
            raise RequestURITooLarge()

    @request_hooks.after(app, "echo_request_id")
    def _echo_request_id(response):
        response.headers["X-Request-Id"] = g.get("request_id", "")
        return response


def _select_locale() -> str:

    languages = current_app.config["LANGUAGES"]
    chosen = request.args.get("lang") or session.get("lang") or request.cookies.get("lang")
    if chosen and chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


# Each feature package registers its own blueprints, pages and commands in ``init_app``.
FEATURES = (
    "auth",
    "cases",
    "births",
    "documents",
    "registry",
    "review",
    "audit",
    "security",
    "uploads",
)


def _register_api(app: Flask) -> None:

    # Imported when used: every module of this package imports the package first.
    from .api import init_api

    init_api(app)
    for name in FEATURES:
        feature = importlib.import_module(f"{__name__}.{name}")
        if hasattr(feature, "init_app"):
            feature.init_app(app)
    # Imported when used: every module of this package imports the package first.
    from .api import check_gate_first

    request_hooks.before(app, "api_gate")(check_gate_first)


def _register_web_base(app: Flask) -> None:
    # Imported when used: every module of this package imports the package first.
    from .web import register

    register(app)


def _register_errors(app: Flask) -> None:

    # Imported when used: every module of this package imports the package first.
    from .domain.procedure import ProcedureError

    # Imported when used: every module of this package imports the package first.
    from .errors import handle_http_exception, handle_procedure_error, handle_unexpected, json_error

    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(ProcedureError, handle_procedure_error)
    app.register_error_handler(Exception, handle_unexpected)

    @request_hooks.before(app, "api_body_checks")
    def _api_body_checks():
        if not request.path.startswith("/api/") or request.method not in ("POST", "PUT", "PATCH"):
            return None
        if request.endpoint in app.extensions.get("sdp_upload_endpoints", ()):
            return None  # multipart file uploads check their own size and type (sdp.uploads)
        if request.content_length and request.content_length > app.config["API_MAX_JSON_BYTES"]:
            return json_error(
                413, f"The body is larger than {app.config['API_MAX_JSON_BYTES']} bytes."
            )
        if request.content_length and not request.is_json:
            return json_error(
                415,
                "The body must be JSON (Content-Type: application/json).",
                {"_body": ["Expected Content-Type: application/json."]},
            )
        return None


def _register_cli(app: Flask) -> None:
    # Imported when used: every module of this package imports the package first.
    from .cli import register

    register(app)
