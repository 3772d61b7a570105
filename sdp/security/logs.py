"""Structured logs: one JSON object per line, with the request id, and no personal data.

What a log line may hold: the request's id, method, route template
(``/api/v1/applications/<int:application_id>``) and path (never the query string: registry checks
carry names in it), status, duration and who acted (kind and id, not a name). An exception is logged
as its type and where it was raised (file, line, function), never its message or values, which may
quote a person's data.
"""

import json
import logging
import re
import sys
import time
import traceback
from datetime import UTC, datetime
from typing import Any

from flask import Flask, g, has_request_context, request

from .. import request_hooks
from ..auth.bearer import looked_up_principal

LOGGER_NAMES = ("sdp", "werkzeug")
_QUERY = re.compile(r"\?[^\s\"]*")
# A document's verification link carries the holder's names and date of birth (base32, not
# secret): its path is written to no log (documents.views.verify_link).
_SIGNED_PAYLOAD = re.compile(r"SDP1:[A-Za-z0-9]+")
# Endpoints whose path holds personal data: the access log names their route only.
_PATHS_NOT_LOGGED: set[str] = set()


def never_log_path(endpoint: str) -> None:
    _PATHS_NOT_LOGGED.add(endpoint)


def _redacted(text: str) -> str:
    if "?" not in text and "SDP1:" not in text:
        return text  # nothing either pattern could match: most lines, every access line
    return _SIGNED_PAYLOAD.sub("SDP1:…", _QUERY.sub("", text))


def describe_exception(exc_info) -> dict:
    """An exception without its message: its type and the frames it went through."""
    kind, _value, trace = exc_info
    frames = traceback.extract_tb(trace) if trace else []
    where = [f"{_short(frame.filename)}:{frame.lineno} in {frame.name}" for frame in frames][-8:]
    return {"type": f"{kind.__module__}.{kind.__qualname__}" if kind else None, "where": where}


def _short(filename: str) -> str:
    for marker in ("/site-packages/", "/sdp/"):
        if marker in filename:
            return ("sdp/" if marker == "/sdp/" else "") + filename.rsplit(marker, 1)[1]
    return filename.rsplit("/", 1)[-1]


_encode = json.JSONEncoder(ensure_ascii=False, default=str).encode


class JsonFormatter(logging.Formatter):
    """One JSON object per line; every request writes one (the access log)."""

    def format(self, record: logging.LogRecord) -> str:
        document: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if has_request_context() and g.get("request_id"):
            document["request_id"] = g.request_id
        document.update(getattr(record, "sdp", None) or {})
        if record.exc_info:
            document["exception"] = describe_exception(record.exc_info)
        return _encode(document)


class StripQueryStrings(logging.Filter):
    """Werkzeug's development server logs the request line, query string and verification
    links included: cut them."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = _redacted(record.msg)
        if record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            record.args = tuple(_redacted(arg) if isinstance(arg, str) else arg for arg in args)
        return True


class _AppHandler(logging.StreamHandler):
    """The handler configure() adds: one per logger, however many apps the process creates."""


def configure(app: Flask) -> None:
    """JSON lines on standard error for the app's and the web server's loggers (once per
    process)."""
    structured = app.config.get("LOG_FORMAT", "json") == "json"
    # Neither format prints where a call was made (file, line, function), which logging looks
    # up in the stack for every record unless told not to: about 5 of the 40 µs an access line
    # cost (bench/RESULTS.md, "Issue 17, fifteenth session"; the logging HOWTO, "Optimization").
    logging._srcfile = None
    for name in LOGGER_NAMES:
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET:
            logger.setLevel(logging.INFO)
        if not any(isinstance(handler, _AppHandler) for handler in logger.handlers):
            handler = _AppHandler(sys.stderr)
            handler.setFormatter(
                JsonFormatter()
                if structured
                else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
            )
            handler.addFilter(StripQueryStrings())
            logger.addHandler(handler)
        if not any(isinstance(existing, StripQueryStrings) for existing in logger.filters):
            logger.addFilter(StripQueryStrings())

    if app.config.get("ACCESS_LOG", True):
        access = logging.getLogger("sdp.access")

        @request_hooks.before(app, "start_clock")
        def _start_clock():
            request.environ["sdp.started"] = time.perf_counter()

        @request_hooks.after(app, "access_log")
        def _log_request(response):
            started = request.environ.get("sdp.started")
            rule = request.url_rule
            principal = looked_up_principal()
            fields = {
                "event": "request",
                "method": request.method,
                "route": rule.rule if rule is not None else None,
                # the path only when it matched a route (ids, serials); an unmatched path is the
                # client's text
                "path": request.path
                if rule is not None and rule.endpoint not in _PATHS_NOT_LOGGED
                else None,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 2)
                if started
                else None,
            }
            if principal is not None:
                fields["actor"] = f"{principal.kind}:{principal.id}"
            access.info(
                "%s %s %s",
                request.method,
                fields["route"],
                response.status_code,
                extra={"sdp": fields},
            )
            return response
