"""Case work through the API (contract.md, "Case work"). Thin: parse, authorise, call a service."""

from flask import request
from flask.views import MethodView
from flask_smorest import abort

from .. import clock
from ..api import BEARER, Blueprint, current_principal, errors, if_match, staff_required
from ..extensions import db
from . import locking, services
from .models import Application, Inquiry, RelevantState
from .presenters import case_dict, inquiry_dict, relevant_state_dict
from .schemas import (
    AppealCreateSchema,
    AppealDecisionSchema,
    ApplicationCreateSchema,
    ApplicationOut,
    AssignSchema,
    DecisionSchema,
    DetentionRecordSchema,
    EndSchema,
    EvidenceCreateSchema,
    EvidenceOut,
    ExtensionSchema,
    FindingSchema,
    GuardianSchema,
    InquiryCreateSchema,
    InquiryOut,
    InquiryResponseSchema,
    InterviewCreateSchema,
    InterviewOut,
    ProceedingDecisionSchema,
    ProceedingReplySchema,
    ProceedingSchema,
    RecommendationSchema,
    ReferralOutcomeSchema,
    ReferralSchema,
    RelevantStateCreateSchema,
    RelevantStateOut,
    ReturnSchema,
)

blp = Blueprint(
    "cases_api", __name__, description="Case work by ministry staff (bearer token of a staff user)."
)


def _document_errors(view):
    # 401, 403, 404, 400/413/415/422 and 429 are documented on every operation by sdp.api.
    return errors(blp, 409)(view)


def load_case(application_id: int) -> Application:
    return services.load_case(current_principal(), application_id, if_match())


def check_if_match(application: Application) -> None:
    """409 when the client says (If-Match) it edits a version the case has moved on from."""
    locking.expect_version(
        application, locking.version_from_if_match(request.headers.get("If-Match"))
    )


def _case_response(application: Application, status: int = 200):
    return (
        case_dict(application, current_principal(), clock.today()),
        status,
        {"ETag": f'"{application.version}"'},
    )


@blp.route("/applications")
class Applications(MethodView):
    @staff_required()  # outermost: the token is checked before the body is read
    @blp.doc(security=BEARER)
    @blp.arguments(ApplicationCreateSchema)
    @blp.response(201, ApplicationOut)
    @_document_errors
    def post(self, data):
        """Register an application (intake_officer), with its dependants."""
        application = services.register_application(current_principal(), data)
        return _case_response(application, 201)


@blp.route("/applications/<int:application_id>")
class ApplicationResource(MethodView):
    @staff_required()
    @blp.doc(security=BEARER)
    @blp.response(200, ApplicationOut)
    @_document_errors
    def get(self, application_id):
        """The case file. Every read is audited."""
        application = load_case(application_id)
        # The answer is built before the read is recorded (the order the answer was measured
        # in). If recording the read, or the request's commit, fails, the error is raised and
        # the answer never leaves.
        answer = _case_response(application)
        services.record_read(current_principal(), application, "api")
        return answer


def _action(
    rule: str,
    schema,
    response_schema,
    status: int = 200,
    summary: str = "",
    endpoint: str | None = None,
):
    """Register a POST endpoint that loads the case and runs ``handler(principal, case, data)``."""

    def decorator(handler):
        def post(data, application_id):
            application = load_case(application_id)
            result = handler(current_principal(), application, data)
            if response_schema is ApplicationOut:
                return _case_response(application, status)
            return result, status

        name = endpoint or handler.__name__
        post.__name__ = f"post_{name}"
        post.__doc__ = summary or handler.__doc__
        view = _document_errors(post)
        view = blp.response(status, response_schema)(view)
        view = blp.arguments(schema)(view)
        view = blp.doc(security=BEARER)(view)
        view = staff_required()(view)  # outermost: the token is checked before the body is read
        blp.route(rule, methods=["POST"], endpoint=name)(view)
        return handler

    return decorator


@_action("/applications/<int:application_id>/assign", AssignSchema, ApplicationOut)
def assign(principal, application, data):
    """Assign a case officer (supervisor); the examination starts."""
    services.assign(principal, application, data["case_officer"])


@_action(
    "/applications/<int:application_id>/relevant-states",
    RelevantStateCreateSchema,
    RelevantStateOut,
    201,
)
def add_relevant_state(principal, application, data):
    """Add a State the person has a relevant link with (case_officer)."""
    return relevant_state_dict(
        services.add_relevant_state(
            principal, application, data["country"], data["links"], data.get("person_id")
        )
    )


@blp.route(
    "/applications/<int:application_id>/relevant-states/<int:relevant_state_id>", methods=["PUT"]
)
@staff_required()
@blp.doc(security=BEARER)
@blp.arguments(FindingSchema)
@blp.response(200, RelevantStateOut)
@_document_errors
def record_finding(data, application_id, relevant_state_id):
    """Record the finding on one relevant State, with reasoning (case_officer)."""
    application = load_case(application_id)
    relevant_state = db.session.get(RelevantState, relevant_state_id)
    if relevant_state is None or relevant_state.application_id != application.id:
        abort(404, message=f"There is no relevant State {relevant_state_id} on this application.")
    services.record_finding(current_principal(), relevant_state, data["finding"], data["reasoning"])
    return relevant_state_dict(relevant_state)


@_action("/applications/<int:application_id>/evidence", EvidenceCreateSchema, EvidenceOut, 201)
def record_evidence(principal, application, data):
    """Record an item of evidence (case_officer)."""
    evidence = services.record_evidence(principal, application, data)
    return {
        "id": evidence.id,
        "person_id": evidence.person_id,
        "kind": evidence.kind,
        "description": evidence.description,
        "received_on": evidence.received_on,
        "country": evidence.country,
    }


@_action("/applications/<int:application_id>/inquiries", InquiryCreateSchema, InquiryOut, 201)
def send_inquiry(principal, application, data):
    """Send an inquiry to a State's authorities (case_officer); 409 for the State of an asylum
    claim."""
    inquiry = services.send_inquiry(
        principal,
        application,
        data["country"],
        data["authority"],
        data["sent_on"],
        data["consent_on"],
        data.get("person_id"),
    )
    return inquiry_dict(inquiry, clock.today())


@blp.route("/inquiries/<int:inquiry_id>/response", methods=["POST"])
@staff_required()
@blp.doc(security=BEARER)
@blp.arguments(InquiryResponseSchema)
@blp.response(200, InquiryOut)
@_document_errors
def record_inquiry_response(data, inquiry_id):
    """Record the State's response to an inquiry (case_officer)."""
    inquiry = db.session.get(Inquiry, inquiry_id)
    if inquiry is None:
        abort(404, message=f"There is no inquiry {inquiry_id}.")
    services.require_case_reader(current_principal(), inquiry.application)
    check_if_match(inquiry.application)
    services.record_inquiry_response(
        current_principal(), inquiry, data["received_on"], data["outcome"]
    )
    return inquiry_dict(inquiry, clock.today())


@_action("/applications/<int:application_id>/interviews", InterviewCreateSchema, InterviewOut, 201)
def record_interview(principal, application, data):
    """Record an interview (case_officer)."""
    interview = services.record_interview(principal, application, data)
    return {
        "id": interview.id,
        "person_id": interview.person_id,
        "held_on": interview.held_on,
        "interpreter_language": interview.interpreter_language,
        "legal_representative": interview.legal_representative,
        "summary": interview.summary,
        "read_back": interview.read_back,
    }


@_action("/applications/<int:application_id>/extension", ExtensionSchema, ApplicationOut)
def extend_decision_due(principal, application, data):
    """Extend the decision period once, by a reasoned act for any stated reason."""
    services.extend_decision_due(principal, application, data["reasons"])


@_action("/applications/<int:application_id>/recommendation", RecommendationSchema, ApplicationOut)
def recommend(principal, application, data):
    """Recommend an outcome (case_officer); needs a finding on every relevant State."""
    services.recommend(principal, application, data)


@_action("/applications/<int:application_id>/return", ReturnSchema, ApplicationOut)
def return_to_examination(principal, application, data):
    """Send the case back for further examination (decision_maker)."""
    services.return_to_examination(principal, application, data["reasons"])


@_action("/applications/<int:application_id>/decision", DecisionSchema, ApplicationOut)
def decide(principal, application, data):
    """Decide (decision_maker, not the case's officer): an outcome for every person still in the
    procedure."""
    services.decide(principal, application, data)


@_action("/applications/<int:application_id>/appeal", AppealCreateSchema, ApplicationOut, 201)
def lodge_appeal(principal, application, data):
    """Lodge a person's appeal on their behalf (default: the applicant); 409 after their
    appeal_due."""
    services.lodge_appeal(
        principal, application, data["grounds"], data.get("lodged_on"), data.get("person_id")
    )


@_action("/applications/<int:application_id>/appeal/decision", AppealDecisionSchema, ApplicationOut)
def decide_appeal(principal, application, data):
    """Decide the appeal (appeals_officer, not the first-instance decision-maker)."""
    services.decide_appeal(
        principal, application, data["outcome"], data["reasons"], data.get("person_id")
    )


@_action("/applications/<int:application_id>/withdrawal", EndSchema, ApplicationOut)
def withdraw(principal, application, data):
    """Record the applicant's withdrawal."""
    services.withdraw(principal, application, data["reasons"])


@_action("/applications/<int:application_id>/closure", EndSchema, ApplicationOut)
def close(principal, application, data):
    """Close the case by a reasoned act (supervisor)."""
    services.close(principal, application, data["reasons"])


@_action("/applications/<int:application_id>/referral", ReferralSchema, ApplicationOut)
def refer(principal, application, data):
    """Refer a person to late birth registration or nationality confirmation; they stay
    protected."""
    services.refer(principal, application, data["target"], data["reasons"], data.get("person_id"))


@blp.route(
    "/applications/<int:application_id>/persons/<int:person_id>/referral-outcome", methods=["POST"]
)
@staff_required()
@blp.doc(security=BEARER)
@blp.arguments(ReferralOutcomeSchema)
@blp.response(200, ApplicationOut)
@_document_errors
def record_referral_outcome(data, application_id, person_id):
    """Record the civil registry's answer: confirmed Peruvian (leaves) or refused (examination
    resumes)."""
    application = load_case(application_id)
    services.record_referral_outcome(
        current_principal(),
        application,
        person_id,
        data["outcome"],
        data["on"],
        data.get("reference"),
    )
    return _case_response(application)


@_action("/applications/<int:application_id>/detention", DetentionRecordSchema, ApplicationOut)
def record_detention(principal, application, data):
    """Record that a person of the case is detained (place, since): the case becomes a priority."""
    services.record_detention(
        principal, application, data.get("person_id"), data["place"], data["since"]
    )


@_action("/applications/<int:application_id>/guardian", GuardianSchema, ApplicationOut)
def record_guardian(principal, application, data):
    """Record the guardian or representative of an unaccompanied child."""
    services.record_guardian(principal, application, data.get("person_id"), data["guardian"])


def _proceeding_endpoints(kind: str) -> None:
    """Propose, hear the reply, decide: the same proceeding for cessation and cancellation."""

    @_action(
        f"/applications/<int:application_id>/{kind}",
        ProceedingSchema,
        ApplicationOut,
        summary=(
            f"Propose {kind} of a person's recognition (decision_maker or supervisor), notified "
            "with reasons."
        ),
        endpoint=f"propose_{kind}",
    )
    def propose(principal, application, data):
        services.propose_proceeding(principal, application, kind, data)

    @_action(
        f"/applications/<int:application_id>/{kind}/reply",
        ProceedingReplySchema,
        ApplicationOut,
        summary=(
            f"Record the person's reply to the proposal of {kind} (the case's officer or a "
            "supervisor)."
        ),
        endpoint=f"reply_{kind}",
    )
    def reply(principal, application, data):
        services.record_proceeding_reply(principal, application, kind, data)

    @_action(
        f"/applications/<int:application_id>/{kind}/decision",
        ProceedingDecisionSchema,
        ApplicationOut,
        summary=(
            f"Decide on {kind} (decision_maker, not the proposer): after the reply or the reply "
            "period."
        ),
        endpoint=f"decide_{kind}",
    )
    def decide(principal, application, data):
        services.decide_proceeding(principal, application, kind, data)

    @_action(
        f"/applications/<int:application_id>/{kind}/appeal",
        AppealCreateSchema,
        ApplicationOut,
        201,
        summary=(
            f"Lodge the person's appeal against the {kind} (suspensive); 409 after its appeal_due."
        ),
        endpoint=f"appeal_{kind}",
    )
    def appeal(principal, application, data):
        services.lodge_proceeding_appeal(principal, application, kind, data)

    @_action(
        f"/applications/<int:application_id>/{kind}/appeal/decision",
        AppealDecisionSchema,
        ApplicationOut,
        summary=f"Decide the appeal against the {kind} (appeals_officer, not who decided it).",
        endpoint=f"decide_appeal_{kind}",
    )
    def decide_appeal(principal, application, data):
        services.decide_proceeding_appeal(principal, application, kind, data)


_proceeding_endpoints("cessation")
_proceeding_endpoints("cancellation")
