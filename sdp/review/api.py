"""``GET /api/v1/procedure``: the procedure as data, open to readers."""

from flask import current_app
from flask.views import MethodView
from marshmallow import fields

from ..api import OPEN, Blueprint
from ..domain import procedure
from ..schemas import StrictSchema

blp = Blueprint(
    "procedure_api",
    __name__,
    description="The procedure as data, generated from the code that enforces it.",
)


class ProcedureOut(StrictSchema):
    states = fields.List(fields.Dict())
    actions = fields.List(fields.Dict())
    time_limits = fields.List(fields.Dict())


def procedure_document() -> dict:
    document = procedure.as_dict()
    document["time_limits"] = current_app.config["POLICY"].describe()
    return document


@blp.route("/procedure")
class Procedure(MethodView):
    @blp.doc(security=OPEN)
    @blp.response(200, ProcedureOut)
    def get(self):
        """States, transitions with the roles that may take each, time limits and legal basis."""
        return procedure_document()
