"""Birth registration through the API (contract.md): registrars register, partners check.

Thin: parse, authorise, call a service, answer.
"""

from flask import jsonify
from flask.views import MethodView
from flask_smorest import abort

from ..api import BEARER, Blueprint, current_principal, errors, scope_required, staff_required
from ..domain.birth_registration import is_valid_registration_number
from ..domain.vocabulary import Role, Scope
from ..errors import error_body
from . import services
from .presenters import birth_dict, created_dict, registry_dict
from .schemas import BirthCreatedOut, BirthCreateSchema, BirthOut, RegistryBirthOut

blp = Blueprint(
    "births_api",
    __name__,
    description="Birth registration by registrars (bearer token of a staff user).",
)
registry_blp = Blueprint(
    "births_registry_api",
    __name__,
    description=(
        "Civil registry checks of birth registrations (partner token, scope registry:read)."
    ),
)


@blp.route("/births")
class Births(MethodView):
    @staff_required(Role.REGISTRAR)  # outermost: the token is checked before the body is parsed
    @blp.doc(security=BEARER)
    @blp.arguments(BirthCreateSchema)
    @blp.response(201, BirthCreatedOut)
    @errors(blp, 409)
    def post(self, data):
        """Register a birth (registrar).

        Born in Peru: Peruvian by birth (ius_soli) whatever the parents' status; a foundling
        found in Peru: foundling; born abroad to a parent Peruvian by birth: ius_sanguinis
        (Law 32421). Born abroad with no parent Peruvian by birth: 422 on
        child.place_of_birth.country, pointing to a statelessness screening (when the only
        Peruvian parents are Peruvian by naturalization or by option, the 1961 Convention Art. 4
        safeguard applies if the child would otherwise be stateless: a screening, not an
        automatic nationality). Born abroad to a Peruvian parent without nationality_basis:
        422 on mother.nationality_basis or father.nationality_basis. More than 60 days after
        the birth (a policy setting): late_registration true, and late_registration_evidence is
        required. The same child registered before: 409 with the existing registration_number.
        """
        try:
            registration = services.register_birth(current_principal(), data)
        except services.DuplicateBirth as duplicate:
            body = error_body(409, str(duplicate))
            body["registration_number"] = duplicate.registration_number
            response = jsonify(body)
            response.status_code = 409
            return response
        return created_dict(registration), 201


@blp.route("/births/<string:registration_number>")
class BirthResource(MethodView):
    @staff_required()
    @blp.doc(security=BEARER)
    @blp.response(200, BirthOut)
    def get(self, registration_number):
        """The whole birth record (registrar, supervisor). Every read is audited."""
        principal = current_principal()
        services.require_birth_reader(principal)
        registration = services.find_registration(registration_number)
        if registration is None:
            abort(404, message=f"There is no birth registration {registration_number}.")
        answer = birth_dict(registration)
        services.record_read(principal, registration, "api")
        return answer


@registry_blp.route("/registry/births/<string:registration_number>")
class RegistryBirth(MethodView):
    @scope_required(Scope.REGISTRY_READ.value)
    @registry_blp.doc(security=BEARER)
    @registry_blp.response(200, RegistryBirthOut)
    def get(self, registration_number):
        """Check a birth registration: the child, the nationality and its basis, whether late.

        The least data that serves the check: never the parents, asylum details or evidence.
        Every check is audited as a partner read.
        """
        principal = current_principal()
        well_formed = is_valid_registration_number(registration_number)
        registration = services.find_registration(registration_number) if well_formed else None
        answer = (
            registry_dict(registration) if registration else None
        )  # before the audit's commit expires it
        services.record_registry_check(principal, registration_number, registration)
        if answer is None:
            if not well_formed:
                abort(
                    404,
                    message=f"{registration_number[:40]} is not a birth registration number "
                    "(NAC-<year>-<7 digits>-<check digit>), or its check digit is wrong.",
                )
            abort(404, message=f"There is no birth registration {registration_number[:40]}.")
        return answer
