"""Every request hook of the app, installed in one place in one documented order.

Each feature still writes its own hook beside the code it serves (the reviewer fence in
``review/fence.py``, the idle timeout in ``auth/views/__init__.py``...), but hands it over by name
(``before(app, "idle_timeout")``) instead of registering it with Flask. ``install`` then
registers them all, once, in the order below; a hook whose name is not in the order stops the
app at start-up, so a new hook cannot take a place by accident. ``tests/core/test_request_hooks.py``
pins the order Flask ends up with.

Flask runs ``before_request`` hooks in the order they are registered, and stops at the first one
that answers (a refusal); it runs ``after_request`` hooks in the reverse order, on every answer,
refusals and errors included. ``AFTER_REQUEST`` is written in the order they *run*.

The extensions register their own hooks when they are initialised in ``create_app``, before
these, so they run first: Flask-WTF's CSRF check and Flask-Limiter's page limits before ours;
Flask-Limiter's headers and Flask-Login's remember cookie after ours on the answer, and
Flask-Limiter's context release and Flask-SQLAlchemy's session removal at teardown.
"""

from collections.abc import Callable

from flask import Flask

# In the order they run, with why each stands where it does.
BEFORE_REQUEST: tuple[tuple[str, str], ...] = (
    # A fresh request state first (request id, no signed-in user or locale left over from another
    # request in the same app context), and the over-long address refused before any work.
    ("request_state", "sdp.security.proxies: request id, per-request caches, URL length"),
    # The clock of the access log starts before any check, so refusals are timed too.
    ("start_clock", "sdp.security.logs: access log timing"),
    # The API's rate limit before anything costlier: a flood is refused on its count alone.
    ("api_rate_limit", "sdp.ratelimit: the API's own limiter"),
    # The API's cheap checks of the request itself (depth, query strings) before any token.
    ("api_request_checks", "sdp.api: request shape"),
    # A page's signed-in session that has been idle too long ends before any page runs.
    ("idle_timeout", "sdp.auth.views: idle session timeout"),
    # A session opened with a temporary password (an administrator reset it) reaches only the page
    # to choose a new one: after the idle timeout (an ended session asks to sign in first).
    ("password_change_required", "sdp.auth.views: a temporary password is changed first"),
    # The reviewer fence before the API gate: a reviewer never reaches personal data.
    ("reviewer_fence", "sdp.review.fence: reviewers see only their pages and the statistics"),
    # Token, role and scope (the endpoint's gate) before the body is parsed, so a caller who must
    # get 401 or 403 never gets 422; after the fence, which answers reviewers in its own words.
    ("api_gate", "sdp.api: the endpoint's token, role and scope"),
    # The body's size and type last: only a caller who may call the endpoint learns its limits.
    ("api_body_checks", "sdp.api: body size and JSON content type"),
)

AFTER_REQUEST: tuple[tuple[str, str], ...] = (
    ("echo_request_id", "sdp.security.proxies: X-Request-Id on every answer"),
    ("api_rate_limit_headers", "sdp.ratelimit: X-RateLimit-* on the API's answers"),
    # Security headers and Cache-Control: no-store on every answer but the static files.
    ("security_headers", "sdp.security.headers"),
    # The access log last: it records the answer as it leaves, with the whole time spent.
    ("access_log", "sdp.security.logs"),
)
# After these and the extensions' own (Flask-Limiter's headers, Flask-Login's cookie) comes the
# request's one commit (sdp.unit_of_work.init_app registers it before everything, so that it runs
# after every hook: nothing a hook writes is left uncommitted).

_PHASES = {"before": BEFORE_REQUEST, "after": AFTER_REQUEST}
_KEY = "sdp_request_hooks"


def _provide(app: Flask, phase: str, name: str) -> Callable[[Callable], Callable]:
    if name not in dict(_PHASES[phase]):
        raise LookupError(f"The {phase}_request hook {name!r} has no place in sdp.request_hooks.")

    def keep(hook: Callable) -> Callable:
        hooks = app.extensions.setdefault(_KEY, {"before": {}, "after": {}, "installed": False})
        if hooks["installed"]:
            raise LookupError(f"The {phase}_request hook {name!r} comes after install(app).")
        if name in hooks[phase]:
            raise LookupError(f"The {phase}_request hook {name!r} is given twice.")
        hooks[phase][name] = hook
        return hook

    return keep


def installed(app: Flask) -> dict[str, dict[str, Callable]]:
    """The hooks handed over, by phase and name (for the test that pins their order)."""
    hooks = app.extensions.get(_KEY, {})
    return {"before": dict(hooks.get("before", {})), "after": dict(hooks.get("after", {}))}


def before(app: Flask, name: str) -> Callable[[Callable], Callable]:
    """Hand a ``before_request`` hook over under ``name``: a decorator, or ``before(app, n)(f)``."""
    return _provide(app, "before", name)


def after(app: Flask, name: str) -> Callable[[Callable], Callable]:
    """Hand an ``after_request`` hook over under ``name``."""
    return _provide(app, "after", name)


def install(app: Flask) -> None:
    """Register the hooks handed over, in the documented order. A hook may be absent when its
    feature is switched off (the access log with ``ACCESS_LOG = False``)."""
    hooks = app.extensions.setdefault(_KEY, {"before": {}, "after": {}, "installed": False})
    hooks["installed"] = True
    for name, _ in BEFORE_REQUEST:
        if name in hooks["before"]:
            app.before_request(hooks["before"][name])
    # Flask runs after_request hooks last-registered first: register them reversed.
    for name, _ in reversed(AFTER_REQUEST):
        if name in hooks["after"]:
            app.after_request(hooks["after"][name])
