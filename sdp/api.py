"""The JSON API (flask-smorest): authentication, the error format, OpenAPI security."""

import json
import re
from functools import wraps
from http import HTTPStatus

from apispec import BasePlugin
from flask import current_app, request, url_for
from flask_smorest import Api, abort
from flask_smorest import Blueprint as SmorestBlueprint

from . import request_hooks
from .auth.bearer import bearer_principal, bearer_token
from .auth.principal import Principal
from .domain.vocabulary import Role
from .errors import handle_http_exception, json_error
from .extensions import csrf
from .schemas import ErrorSchema, text_pattern_attribute

Security = list[dict[str, list[str]]]  # an OpenAPI operation's security requirements
BEARER: Security = [{"bearerAuth": []}]
OPEN: Security = []  # ``@blp.doc(security=OPEN)``: an endpoint anyone may read, without a token

# What each error means in this API (contract.md, "Errors"), as the OpenAPI description says it.
ERROR_MEANINGS = {
    400: "The body is malformed: not JSON, or JSON that is not an object.",
    401: "No token, or a token that is unknown, expired or revoked.",
    403: "The token's role or scope may not do this, or the four-eyes rule forbids it.",
    404: "There is nothing with this id.",
    409: (
        "The procedure forbids it now (wrong state, confidentiality, window closed, document not "
        "allowed)."
    ),
    413: "The body is larger than the limit.",
    415: "The body is not JSON: send Content-Type: application/json.",
    422: "A field is invalid or missing; `errors` names each field and what is wrong with it.",
    429: "Too many requests for this token (without a token: from this address). Retry after the "
    "number of seconds in the Retry-After header.",
}
RETRY_AFTER_HEADER = {
    "Retry-After": {
        "description": "Seconds to wait before the next request.",
        "schema": {"type": "integer", "minimum": 1},
    }
}
ERROR_EXAMPLES: dict[int, str | tuple[str, dict[str, list[str]]]] = {
    401: "A bearer token is required (Authorization: Bearer <token>).",
    403: "This endpoint needs a partner token with the scope registry:read.",
    422: (
        "Invalid or missing fields. date_of_birth: Not a valid date.",
        {"date_of_birth": ["Not a valid date."]},
    ),
    429: (
        "Too many requests: the limit is 1200 per 1 minute for this token (or, without a valid "
        "token, this address). Retry after 41 seconds."
    ),
}


def error_response(code: int) -> dict:
    """An OpenAPI response object for an error in the contract's format."""
    media: dict[str, object] = {"schema": {"$ref": "#/components/schemas/Error"}}
    if code in ERROR_EXAMPLES:
        example = ERROR_EXAMPLES[code]
        message, errors = example if isinstance(example, tuple) else (example, None)
        media["example"] = {
            "code": code,
            "status": HTTPStatus(code).phrase,
            "message": message,
            **({"errors": errors} if errors else {}),
        }
    response: dict[str, object] = {
        "description": ERROR_MEANINGS.get(code, HTTPStatus(code).phrase),
        "content": {"application/json": media},
    }
    if code == 429:
        response["headers"] = RETRY_AFTER_HEADER
    return response


class ContractErrorsPlugin(BasePlugin):
    """Documents, on every operation, the errors every endpoint of its kind can answer with.

    Secured operations: 401, 403; a path with an id: 404; a body: 400, 413, 415, 422; query
    parameters: 422; all: 429. Errors particular to an endpoint (409) are added with
    ``errors(blp, 409)``. Endpoints of every feature are covered without any work of theirs.
    """

    def init_spec(self, spec):
        self.spec = spec

    def operation_helper(self, path=None, operations=None, **kwargs):
        global_security = self.spec.options.get("security")
        for method, operation in (operations or {}).items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            codes = {429}
            if operation.get("security", global_security):
                codes |= {401, 403}
            if "{" in (path or ""):
                codes.add(404)
            if "requestBody" in operation or method in ("post", "put", "patch"):
                codes |= {400, 413, 415, 422}
            if any(
                isinstance(p, dict) and p.get("in") == "query"
                for p in operation.get("parameters", [])
            ):
                codes.add(422)
            responses = operation.setdefault("responses", {})
            for code in sorted(codes):
                existing = responses.get(code, responses.get(str(code)))
                # flask-smorest's own 422 is a bare reference ("UNPROCESSABLE_ENTITY"): say what it
                # means here
                if existing is None or existing == HTTPStatus(code).name:
                    responses.pop(code, None)
                    responses[str(code)] = error_response(code)


class ContractApi(Api):
    """flask-smorest's Api with the contract's error format for every HTTP error."""

    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error):
        return handle_http_exception(error)


def init_api(app) -> ContractApi:
    """One flask-smorest Api per app (several apps may live in one process, as in tests)."""
    api = ContractApi(
        app,
        spec_kwargs={
            "extra_plugins": [ContractErrorsPlugin()],
            # Every endpoint needs a bearer token unless it says ``security=OPEN``.
            "security": BEARER,
            "info": {
                "description": (
                    "Peru's statelessness determination procedure: case work, civil registry "
                    'checks and the procedure as data. Every error is JSON {"code", "status", '
                    '"message", "errors"} (the `Error` schema). Send `Authorization: Bearer '
                    "<token>`: staff tokens for case work, partner tokens with a scope "
                    "(registry:read) for the civil registry checks. Tokens are issued by an "
                    "administrator (`flask --app sdp tokens create`). Requests are rate-limited "
                    "per token; a 429 says when to retry."
                )
            },
        },
    )
    # Every text of a body states the characters the server refuses (sdp.domain.text).
    api.ma_plugin.converter.add_attribute_function(text_pattern_attribute)
    api.spec.components.security_scheme(
        "bearerAuth",
        {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "A token issued by an administrator: a staff user's, or a partner system's with "
                "scopes."
            ),
        },
    )
    app.extensions["sdp_api"] = api
    app.add_url_rule("/api/v1/docs", "api_docs", docs_page)
    request_hooks.before(app, "api_request_checks")(check_api_request)
    return api


MAX_JSON_DEPTH = 32  # the deepest body of the contract nests 4 levels
_STRING_OR_BRACKET = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def json_depth(body: bytes) -> int:
    """How deeply a JSON text nests arrays and objects (brackets inside strings do not count)."""
    depth = deepest = 0
    for match in _STRING_OR_BRACKET.finditer(body):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        elif token in (b"]", b"}"):
            depth -= 1
    return deepest


def check_api_request():
    """What the body and URL checks of sdp/__init__.py leave: a body sent in chunks (no
    Content-Length) is held to the same size limit, a body nested so deeply that the JSON
    parser would exhaust Python's recursion is refused (400), and a NUL in the path is no
    resource (PostgreSQL could not even compare it)."""

    if not request.path.startswith("/api/"):
        return None
    if "\x00" in request.path:
        return json_error(404, "There is nothing at this address.")
    if request.method not in ("POST", "PUT", "PATCH") or not request.is_json:
        return None
    limit = current_app.config["API_MAX_JSON_BYTES"]
    if request.content_length and request.content_length > limit:
        return None  # refused with 413 by the size check, before anything is read
    request.max_content_length = limit  # a stream is read up to the limit, no further
    body = request.get_data(cache=True)
    if len(body) >= limit:
        return json_error(413, f"The body is larger than {limit} bytes.")
    depth = json_depth(body)
    if depth > MAX_JSON_DEPTH:
        return json_error(
            400,
            f"The body nests {depth} levels deep; at most {MAX_JSON_DEPTH} are accepted.",
            {"_body": [f"Nested more than {MAX_JSON_DEPTH} levels deep."]},
        )
    if not numbers_within_bounds(body):
        return json_error(
            400,
            f"The body holds a number longer than {MAX_JSON_NUMBER_DIGITS} digits.",
            {"_body": [f"A number may have at most {MAX_JSON_NUMBER_DIGITS} digits."]},
        )
    return None


# No number of the contract needs more digits than an id (a 64-bit integer has 19); Python's
# int() raises ValueError past 4,300 digits, which the JSON parser of webargs does not catch (a
# 500). The body is parsed here once with a bounded number parser, before any view sees it.
MAX_JSON_NUMBER_DIGITS = 100


class _NumberTooLong(ValueError):
    pass


def _bounded_number(kind):
    def parse(text: str):
        if len(text) > MAX_JSON_NUMBER_DIGITS + 2:  # a sign and a decimal point or exponent mark
            raise _NumberTooLong(text[:20])
        return kind(text)

    return parse


def numbers_within_bounds(body: bytes) -> bool:
    """False when the JSON body holds a number of more than ``MAX_JSON_NUMBER_DIGITS`` digits.
    A body that is not JSON at all is left to the parser of the view (400 naming ``_body``)."""

    try:
        json.loads(body, parse_int=_bounded_number(int), parse_float=_bounded_number(float))
    except _NumberTooLong:
        return False
    except ValueError:  # malformed JSON, or text that is not UTF-8: answered by the view's parser
        return True
    return True


def docs_page():
    """The interactive documentation (Swagger UI, vendored in static/vendor: no CDN)."""

    # Rendered from the Jinja environment alone: a public page needs no user, session or cookie.
    template = current_app.jinja_env.get_template("api/docs.html")
    html = template.render(config=current_app.config, spec_url=url_for("api-docs.openapi_json"))
    return html, 200, {"Content-Type": "text/html; charset=utf-8"}


def register_api_blueprint(app, blueprint: SmorestBlueprint) -> None:
    """Add a feature's API blueprint. Token-authenticated: no cookies, so no CSRF token."""

    app.extensions["sdp_api"].register_blueprint(blueprint)
    csrf.exempt(blueprint)


def Blueprint(name: str, import_name: str, **kwargs) -> SmorestBlueprint:  # noqa: N802 - mirrors flask's name
    return SmorestBlueprint(name, import_name, url_prefix="/api/v1", **kwargs)


def errors(blp: SmorestBlueprint, *codes: int):
    """Document errors particular to an endpoint (``@errors(blp, 409)``), in the contract's
    format."""

    def decorator(view):
        for code in codes:
            view = blp.alt_response(code, schema=ErrorSchema, description=ERROR_MEANINGS.get(code))(
                view
            )
        return view

    return decorator


def if_match() -> str | None:
    """The If-Match header of a change (sdp.cases.locking: the version of the case it edits);
    None for a read, which never conflicts."""
    return request.headers.get("If-Match") if request.method != "GET" else None


def current_principal() -> Principal:
    """The principal of the bearer token, or 401."""
    principal = bearer_principal()
    if principal is None:
        if bearer_token() is None:
            abort(401, message="A bearer token is required (Authorization: Bearer <token>).")
        abort(401, message="The token is unknown, expired or revoked.")
    return principal


def staff_required(*roles: Role):
    """Require a staff user's token; with ``roles``, one of them (403 otherwise)."""

    def check():
        principal = current_principal()
        if principal.kind != "user":
            abort(403, message="This endpoint is for staff users; partner tokens may not use it.")
        if roles and not principal.has_role(*roles):
            abort(
                403,
                message="Your role may not do this: it needs one of "
                + ", ".join(sorted(roles))
                + ".",
            )

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

    view = current_app.view_functions.get(request.endpoint)
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        view = getattr(view_class, request.method.lower(), None)
    gate = getattr(view, "sdp_gate", None)
    if gate is not None:
        gate()
    return None


def scope_required(scope: str):
    """Require a partner token with ``scope``; a staff user's token is refused with 403."""

    def check():
        if scope not in current_principal().scopes:
            abort(403, message=f"This endpoint needs a partner token with the scope {scope}.")

    return _gated(check)
