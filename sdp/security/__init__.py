"""Security and reliability across features: headers, structured logs, edit conflicts,
data key rotation, backups (docs/security.md)."""

from flask import render_template
from flask_babel import gettext
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import Conflict

from ..errors import json_error, wants_json


def init_app(app) -> None:

    # Imported when used: every module of this package imports the package first.
    from . import cli, headers, logs

    headers.register(app)
    logs.configure(app)
    app.register_error_handler(StaleDataError, handle_stale_data)
    cli.register(app)


def handle_stale_data(error):
    """Two saves of one case crossed (optimistic locking): 409, never 500, nothing saved."""

    # Nothing to roll back here: the app's unit of work did it before this handler runs.
    if wants_json():
        return json_error(
            409,
            "Someone else saved a change to this case at the same moment; yours was not saved. "
            "Reload the case and apply your change again.",
        )
    message = gettext(
        "Someone else saved a change to this case at the same moment; yours was not saved. "
        "Reload the case and apply your change again."
    )
    return render_template("errors/error.html", error=Conflict(), message=message), 409
