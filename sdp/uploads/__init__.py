"""Files of evidence (scans of birth certificates, passports, consular letters): PDF, JPEG
or PNG, checked from their content, encrypted and stored outside the web root."""

from ..api import register_api_blueprint


def init_app(app) -> None:
    # Imported when used: every module of this package imports the package first.
    from . import services

    # Imported when used: every module of this package imports the package first.
    from .api import UPLOAD_ENDPOINTS, blp

    register_api_blueprint(app, blp)
    # The JSON-only body check (sdp/__init__.py) lets multipart bodies through to these.
    app.extensions.setdefault("sdp_upload_endpoints", set()).update(
        f"{blp.name}.{e}" for e in UPLOAD_ENDPOINTS
    )
    services.register_rotation_hook()
