"""Staff sign-in for the web pages, and the administrators' user pages, one module per concern:

- ``sign_in.py``: the email and password, the sign-in rate limits, signing out;
- ``second_factor.py``: the TOTP code at sign-in, and enrolling an authenticator app;
- ``sessions.py``: the session's lifetime (idle timeout, absolute lifetime, the epoch that ends
  every session of a user) and what happens when it ends (a posted form is kept:
  ``sdp.auth.stash``, which also gives it back: ``restore_form``);
- ``password.py``: changing one's own password;
- ``csrf.py``: a form posted without a valid CSRF token;
- ``users.py``: the administrators' user pages (the list, creating a user, a user's page);
- ``reset.py``: an administrator resets a user's password or second factor;
- ``access.py``: roles awaiting a second administrator's approval.
"""

from flask import Blueprint
from flask_wtf.csrf import CSRFError

from ... import request_hooks
from ...extensions import login_manager

bp = Blueprint("auth_web", __name__)


def init_web(app) -> None:
    # The pages' modules add their routes to ``bp`` when imported; ``sessions`` also registers
    # the user loader.
    from . import access, password, reset, second_factor, sign_in, users  # noqa: F401
    from .csrf import csrf_error
    from .sessions import idle_timeout, password_change_required, unauthorized

    login_manager.login_view = "auth_web.sign_in"
    login_manager.unauthorized_handler(unauthorized)
    request_hooks.before(app, "idle_timeout")(idle_timeout)
    request_hooks.before(app, "password_change_required")(password_change_required)
    app.register_error_handler(CSRFError, csrf_error)

    app.register_blueprint(bp)
