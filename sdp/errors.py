"""Errors in the contract's format, for the API; pages for the browser.

Every error of the API is ``{"code", "status", "message", "errors"?}`` (contract.md).
"""

from http import HTTPStatus
from typing import Any

from flask import Response, current_app, jsonify, render_template, request
from flask_babel import gettext
from werkzeug.exceptions import HTTPException

from .domain.procedure import InvalidField, ProcedureError
from .error_words import forbidden_words, not_found_words, refused_step_words
from .ratelimit import retry_after_seconds


def wants_json() -> bool:
    return request.path.startswith("/api/")


def flatten(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """``{"applicant": {"given_names": [...]}}`` → ``{"applicant.given_names": [...]}``."""
    if isinstance(messages, dict):
        flat: dict[str, list[str]] = {}
        for key, value in messages.items():
            if key == "_schema":  # marshmallow's word for "the object as a whole"
                name = prefix or "_body"
            else:
                name = f"{prefix}.{key}" if prefix else str(key)
            flat.update(flatten(value, name))
        return flat
    if isinstance(messages, (list, tuple)) and all(isinstance(item, str) for item in messages):
        return {prefix or "_body": list(messages)}
    return {prefix or "_body": [str(messages)]}


def error_body(
    code: int, message: str | None = None, errors: dict[str, list[str]] | None = None
) -> dict:
    status = HTTPStatus(code)
    body: dict[str, Any] = {
        "code": code,
        "status": status.phrase,
        "message": message or status.description,
    }
    if errors:
        body["errors"] = errors
    return body


def json_error(code: int, message: str | None = None, errors=None, headers=None) -> Response:
    response = jsonify(error_body(code, message, errors))
    response.status_code = code
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _field_sentence(errors: dict[str, list[str]]) -> str:
    parts = [f"{name}: {' '.join(messages)}" for name, messages in errors.items()]
    return "Invalid or missing fields. " + "; ".join(parts)


def _allow(error: HTTPException) -> dict[str, str]:
    """A 405 says which methods the resource does allow (RFC 9110, 15.5.6)."""
    methods = getattr(error, "valid_methods", None)
    return {"Allow": ", ".join(sorted(methods))} if error.code == 405 and methods else {}


def handle_http_exception(error: HTTPException):
    if not wants_json():
        if error.code in (401, 403, 404, 405, 409, 413, 414, 429) or (error.code or 500) >= 500:
            headers = _allow(error)
            if error.code == 429:
                seconds = retry_after_seconds()
                if seconds:
                    headers["Retry-After"] = str(seconds)
            heading = message = None
            if error.code in (403, 404):
                heading, message = not_found_words() if error.code == 404 else forbidden_words()
            return (
                render_template(
                    "errors/error.html",
                    error=error,
                    code=error.code,
                    heading=heading,
                    message=message,
                ),
                error.code,
                headers,
            )
        return error
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    errors = None
    if messages:
        # webargs nests messages under their location ("json", "query"); the field is what matters
        if (
            isinstance(messages, dict)
            and len(messages) == 1
            and next(iter(messages)) in ("json", "query", "form", "path", "headers")
        ):
            messages = next(iter(messages.values()))
        errors = flatten(messages)
    message = data.get("message") or (_field_sentence(errors) if errors else error.description)
    if error.code == 400 and errors and "_body" in errors and not message:
        message = "The request body is not valid JSON."
    headers = {**dict(data.get("headers") or {}), **_allow(error)}
    if error.code == 429:
        message, headers = _too_many_requests(error, headers)
    return json_error(error.code or 500, message, errors, headers)


def _too_many_requests(error: HTTPException, headers: dict) -> tuple[str, dict]:
    """Flask-Limiter's 429: the limit that was hit and when to retry, in the contract's format."""

    seconds = retry_after_seconds()
    if seconds is None and error.response is not None and error.response.headers.get("Retry-After"):
        headers["Retry-After"] = error.response.headers["Retry-After"]
        return f"Too many requests ({error.description}).", headers
    if seconds is None:
        return "Too many requests.", headers
    headers["Retry-After"] = str(seconds)
    return (
        f"Too many requests: the limit is {error.description} for this token (or, without a valid "
        f"token, this address). Retry after {seconds} seconds."
    ), headers


def handle_procedure_error(error: ProcedureError):

    if wants_json():
        errors = {error.field: [str(error)]} if isinstance(error, InvalidField) else None
        return json_error(error.status, str(error), errors)
    text = gettext(error.message, **error.params) if error.params else gettext(error.message)
    heading, whose = refused_step_words(error)
    if error.status == 403 and request.endpoint == "cases_web.intake":
        heading, whose = forbidden_words()
    return render_template(
        "errors/error.html",
        error=error,
        code=error.status,
        heading=heading,
        message=f"{text} {whose}".strip(),
    ), error.status


def handle_unexpected(error: Exception):
    # Logged with its traceback for the operators; the client sees no detail of the case.

    current_app.logger.exception("unhandled error on %s %s", request.method, request.url_rule)
    if wants_json():
        return json_error(500, "An unexpected error occurred; it has been logged.")
    return render_template("errors/error.html", error=None, code=500), 500
