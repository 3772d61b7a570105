"""Statelessness documentation: certificates, identity and travel documents, letters, records."""

from ..review.procedure_doc import EXTRA_SECTIONS
from .procedure_doc import documents_section

if documents_section not in EXTRA_SECTIONS:
    EXTRA_SECTIONS.append(documents_section)


def init_app(app) -> None:
    from ..api import register_api_blueprint
    from . import web
    from .api import blp
    from .cli import documents

    register_api_blueprint(app, blp)
    web.register(app)
    app.cli.add_command(documents)
