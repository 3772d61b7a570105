"""Demo documents, issued through the same services as real work: provisional certificates
for pending cases, identity and travel documents for recognised persons, decision letters
(one in Spanish and Portuguese), a reissued certificate, a revoked identity document, and
the birth record of each demo birth registration."""

from sqlalchemy import select

from .. import clock
from ..births.models import BirthRegistration
from ..cases.models import Application
from ..domain.vocabulary import DocumentType, State
from ..extensions import db
from . import services


def load(users: dict) -> None:
    intake = users["intake@demo.sdp.pe"].principal
    supervisor = users["supervisor@demo.sdp.pe"].principal
    registrar = users.get("registrar@demo.sdp.pe")
    today = clock.today()
    applications = list(db.session.execute(select(Application).order_by(Application.id)).scalars())
    revoked_one = False
    for application in applications:
        facts = application.facts(today)
        if facts.is_pending(today):
            certificate = services.issue_document(
                intake, application, DocumentType.PROVISIONAL_CERTIFICATE
            )
            if application.state == State.UNDER_EXAMINATION:
                services.reissue(intake, certificate)  # renewed: the first one is superseded
            for dependant in application.dependants:
                services.issue_document(
                    intake,
                    application,
                    DocumentType.PROVISIONAL_CERTIFICATE,
                    person_id=dependant.person_id,
                )
        if application.state == State.RECOGNIZED and facts.decision_is_final(today):
            identity = services.issue_document(
                supervisor, application, DocumentType.IDENTITY_DOCUMENT
            )
            services.issue_document(supervisor, application, DocumentType.TRAVEL_DOCUMENT)
            if not revoked_one:
                services.revoke(
                    supervisor, identity, "Se denunció el robo del carné; se expidió uno nuevo."
                )
                services.issue_document(supervisor, application, DocumentType.IDENTITY_DOCUMENT)
                revoked_one = True
        if application.decision is not None and application.state in (
            State.RECOGNIZED,
            State.REJECTED,
            State.UNDER_APPEAL,
        ):
            services.issue_document(supervisor, application, DocumentType.DECISION_LETTER)
    if registrar is not None:
        for birth in db.session.execute(
            select(BirthRegistration).order_by(BirthRegistration.id)
        ).scalars():
            services.issue_birth_record(registrar.principal, birth)
