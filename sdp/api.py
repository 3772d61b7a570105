"""The JSON API (flask-smorest): authentication, the error format, OpenAPI security."""

from functools import wraps

from flask import request
from flask_smorest import Api, abort
from flask_smorest import Blueprint as SmorestBlueprint

from .auth.principal import Principal
from .auth.tokens import principal_for
from .domain.vocabulary import Role
from .errors import handle_http_exception


class ContractApi(Api):
    """flask-smorest's Api with the contract's error format for every HTTP error."""

    def handle_http_exception(self, error):
        return handle_http_exception(error)


BEARER = [{"bearerAuth": []}]


def init_api(app) -> ContractApi:
    """One flask-smorest Api per app (several apps may live in one process, as in tests)."""
    api = ContractApi(app, spec_kwargs={"info": {"description": (
        "Peru's statelessness determination procedure: case work, civil registry checks and the procedure "
        'as data. Every error is JSON {"code", "status", "message", "errors"}.')}})
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    app.extensions["sdp_api"] = api
    return api


def register_api_blueprint(app, blueprint: SmorestBlueprint) -> None:
    """Add a feature's API blueprint. Token-authenticated: no cookies, so no CSRF token."""
    from .extensions import csrf

    app.extensions["sdp_api"].register_blueprint(blueprint)
    csrf.exempt(blueprint)


def Blueprint(name: str, import_name: str, **kwargs) -> SmorestBlueprint:  # noqa: N802 - mirrors flask's name
    return SmorestBlueprint(name, import_name, url_prefix="/api/v1", **kwargs)


def current_principal() -> Principal:
    """The principal of the bearer token, or 401. Cached on the request (not ``g``, which an
    app context shared by several requests would keep)."""
    cached = request.environ.get("sdp.principal")
    if cached is not None:
        return cached
    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        abort(401, message="A bearer token is required (Authorization: Bearer <token>).")
    principal = principal_for(raw.strip())
    if principal is None:
        abort(401, message="The token is unknown, expired or revoked.")
    request.environ["sdp.principal"] = principal
    return principal


def staff_required(*roles: Role):
    """Require a staff user's token; with ``roles``, one of them (403 otherwise)."""

    def check():
        principal = current_principal()
        if principal.kind != "user":
            abort(403, message="This endpoint is for staff users; partner tokens may not use it.")
        if roles and not principal.has_role(*roles):
            abort(403, message="Your role may not do this: it needs one of " + ", ".join(sorted(roles)) + ".")

    return _gated(check)


def _gated(check):
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            check()
            return view(*args, **kwargs)

        wrapped.sdp_gate = check  # functools.wraps copies it onto every outer decorator
        return wrapped

    return decorator


def check_gate_first():
    """Registered after every feature's hooks (``sdp._register_api``), so fences run first.
    Token, role and scope are checked before the body is parsed: smorest's argument parsing is
    an outer decorator and would otherwise answer 422 to a caller who must get 401 or 403."""
    if not request.path.startswith("/api/") or request.endpoint is None:
        return None
    from flask import current_app

    view = current_app.view_functions.get(request.endpoint)
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        view = getattr(view_class, request.method.lower(), None)
    gate = getattr(view, "sdp_gate", None)
    if gate is not None:
        gate()
    return None


def scope_required(scope: str):
    def check():
        if scope not in current_principal().scopes:
            abort(403, message=f"This endpoint needs a partner token with the scope {scope}.")

    return _gated(check)
