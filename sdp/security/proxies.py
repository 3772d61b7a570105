"""What the app believes of the request's own headers: the client's address and the request id.

Both come from the client unless a reverse proxy we run sets them. ``TRUSTED_PROXIES``
(``SDP_TRUSTED_PROXIES``, default 0) is the number of proxies in front of the app that we run
(nginx: 1). With 0, ``X-Forwarded-For`` and ``X-Request-Id`` are the client's own words and are
ignored: the address is the connection's, and the request id is generated here. With N, the
address is the one the N-th proxy saw (werkzeug's ``ProxyFix``), so limits per address count
clients, not the proxy; and the proxy's request id is kept when it looks like one (nginx's
``$request_id`` is 32 hex digits), so one id follows a request from the proxy's log to the audit
trail. Nothing else is ever written into the logs or the audit trail as a request id.
"""

import re
import secrets

from flask import Flask, current_app, request
from werkzeug.middleware.proxy_fix import ProxyFix

REQUEST_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")


class TrustedProxies:
    """WSGI middleware: ``ProxyFix`` for ``TRUSTED_PROXIES`` proxies, read at each request."""

    def __init__(self, app: Flask):
        self.app, self.wsgi_app = app, app.wsgi_app

    def __call__(self, environ, start_response):
        proxies = self.app.config.get("TRUSTED_PROXIES", 0)
        if proxies:
            return ProxyFix(self.wsgi_app, x_for=proxies)(environ, start_response)
        return self.wsgi_app(environ, start_response)


def request_id() -> str:
    """The proxy's request id when a trusted proxy sent a well-formed one; else a new random id."""
    offered = request.headers.get("X-Request-Id", "")
    if current_app.config.get("TRUSTED_PROXIES", 0) and REQUEST_ID.fullmatch(offered):
        return offered
    return secrets.token_hex(16)
