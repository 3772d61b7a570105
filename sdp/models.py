"""Every model, imported in one place so that alembic and ``db.create_all`` see them all."""

from .audit.models import AuditEvent
from .auth.models import ApiToken, FormStash, User, UserRole
from .births.models import BirthNumberCounter, BirthRegistration
from .cases import locking  # noqa: F401 - the optimistic locking of cases listens to every flush
from .cases.models import (
    Appeal,
    Application,
    CaseNumberCounter,
    Decision,
    Dependant,
    Evidence,
    Inquiry,
    Interview,
    Person,
    Recommendation,
    RelevantState,
)
from .documents.models import Document, DocumentKey
from .uploads.models import EvidenceFile

__all__ = [
    "ApiToken",
    "Appeal",
    "Application",
    "AuditEvent",
    "BirthNumberCounter",
    "BirthRegistration",
    "CaseNumberCounter",
    "Decision",
    "Dependant",
    "Document",
    "DocumentKey",
    "Evidence",
    "EvidenceFile",
    "FormStash",
    "Inquiry",
    "Interview",
    "Person",
    "Recommendation",
    "RelevantState",
    "User",
    "UserRole",
]
