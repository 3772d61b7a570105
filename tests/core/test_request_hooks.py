"""Every request hook in one place (sdp.request_hooks), in one documented order that Flask keeps."""

import logging

import pytest
from flask import Flask

from sdp import request_hooks

# The order the hooks run in, pinned: changing it is a decision, made in sdp/request_hooks.py.
BEFORE = [
    "request_state",
    "start_clock",
    "api_rate_limit",
    "api_request_checks",
    "idle_timeout",
    "password_change_required",
    "reviewer_fence",
    "api_gate",
    "api_body_checks",
]
AFTER = ["echo_request_id", "api_rate_limit_headers", "security_headers", "access_log"]
EXTENSIONS_BEFORE = ["csrf_protect", "_check_request_limit"]  # Flask-WTF, Flask-Limiter


def _names(app: Flask, phase: str, functions) -> list[str]:
    by_hook = {hook: name for name, hook in request_hooks.installed(app)[phase].items()}
    return [
        by_hook.get(function, getattr(function, "__name__", "extension")) for function in functions
    ]


def test_the_app_runs_its_hooks_in_the_documented_order(app):
    assert [name for name, _ in request_hooks.BEFORE_REQUEST] == BEFORE
    assert [name for name, _ in request_hooks.AFTER_REQUEST] == AFTER
    assert set(app.before_request_funcs) == {None}  # no blueprint keeps a hook of its own
    assert set(app.after_request_funcs) == {None}
    assert _names(app, "before", app.before_request_funcs[None]) == EXTENSIONS_BEFORE + BEFORE
    # Flask runs after_request hooks from the last registered: ours first, then the extensions'.
    running = _names(app, "after", reversed(app.after_request_funcs[None]))
    assert running[: len(AFTER)] == AFTER
    # then Flask-Limiter's headers and Flask-Login's cookie, and last the request's one commit
    assert len(running) == len(AFTER) + 3 and running[-1] == "_commit_the_request"


def test_a_hook_with_no_place_in_the_order_or_given_twice_or_late_stops_the_app():
    app = Flask(__name__)
    with pytest.raises(LookupError, match="no place"):
        request_hooks.before(app, "my_new_hook")
    request_hooks.before(app, "idle_timeout")(lambda: None)
    with pytest.raises(LookupError, match="twice"):
        request_hooks.before(app, "idle_timeout")(lambda: None)
    request_hooks.install(app)
    with pytest.raises(LookupError, match="after install"):
        request_hooks.after(app, "access_log")(lambda response: response)


def test_a_refusal_by_the_api_rate_limit_is_answered_with_its_request_id_and_logged_with_its_time(
    app, client, monkeypatch, caplog
):
    """The request state and the clock come before every check: even the first refusal (the
    API's rate limit, 429) carries an X-Request-Id and is timed in the access log."""
    monkeypatch.setitem(app.config, "SDP_RATELIMIT_ANONYMOUS", "1 per minute")
    client.get("/api/v1/procedure")
    with caplog.at_level(logging.INFO, logger="sdp.access"):
        refused = client.get("/api/v1/procedure")
    assert refused.status_code == 429
    assert refused.headers["X-Request-Id"]
    logged = [record.sdp for record in caplog.records if getattr(record, "sdp", None)]
    assert logged[-1]["status"] == 429 and logged[-1]["duration_ms"] is not None
