"""``GET /api/v1/registry/persons``: the civil registry's person check (partner token,
scope registry:read). Thin: authenticate first, then parse, then ask the service."""

from flask.views import MethodView
from marshmallow import RAISE

from ..api import Blueprint, current_principal, scope_required
from ..domain.vocabulary import Scope
from . import services
from .schemas import PersonMatchesOut, PersonQuerySchema

blp = Blueprint(
    "registry_api",
    __name__,
    description=(
        "Civil registry checks for partner systems: a partner token with the scope registry:read. "
        "The answers hold the least data that serves the check; every request is audited."
    ),
)


@blp.route("/registry/persons")
class Persons(MethodView):
    # The token is checked before the query is parsed: without the scope, no hint about the query.
    @scope_required(Scope.REGISTRY_READ)
    @blp.arguments(PersonQuerySchema, location="query", unknown=RAISE)
    @blp.response(200, PersonMatchesOut)
    def get(self, query):
        """Whether a person has a case here, and whether they may be removed.

        Names match without regard to accents, case or extra spaces ("JOSE  maria" finds
        "José María"), as applicant or as dependant. All three parameters are required.
        The answer never holds reasons, asylum details, evidence, addresses or officers' names.
        """
        matches = services.check_person(
            current_principal(), query["given_names"], query["family_names"], query["date_of_birth"]
        )
        return {"matches": matches}
