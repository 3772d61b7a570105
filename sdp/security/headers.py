"""Security headers on every response (ASVS V14.4)."""

from flask import Flask, request

# No inline script or style, no plugins, no framing, forms post only here.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def _hsts(app: Flask) -> str | None:
    if app.config.get("DEVELOPMENT"):
        return None
    return f"max-age={app.config['HSTS_SECONDS']}; includeSubDomains"


def security_headers(app: Flask) -> list[tuple[str, str]]:
    """The headers ``register`` adds to every answer, in its order (``no-store`` apart): for the
    registry's lean path, which answers without Flask's hooks (sdp.registry.lean)."""
    headers = [
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
        ("X-Frame-Options", "DENY"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Cross-Origin-Resource-Policy", "same-origin"),
        ("Permissions-Policy", PERMISSIONS_POLICY),
    ]
    hsts = _hsts(app)
    return [*headers, ("Strict-Transport-Security", hsts)] if hsts else headers


def register(app: Flask) -> None:
    hsts = _hsts(app)

    @app.after_request
    def _security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "no-referrer")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if hsts:
            headers.setdefault("Strict-Transport-Security", hsts)
        # Pages, answers and downloads carry personal data: never kept by browsers or proxies.
        # Forced, not defaulted: ``send_file`` (evidence downloads) says ``no-cache``, which lets a
        # browser keep the file on disk. Only the static files (no data) set their own.
        if request.endpoint != "static":
            headers["Cache-Control"] = "no-store"
        return response
