"""Every model, imported in one place so that alembic and ``db.create_all`` see them all."""

from .audit.models import AuditEvent
from .auth.models import ApiToken, User, UserRole
from .auth.stash import FormStash
from .births.models import BirthRegistration
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
from .documents.models import Document

__all__ = [
    "ApiToken", "Appeal", "Application", "AuditEvent", "BirthRegistration", "CaseNumberCounter",
    "Decision", "Dependant", "Document", "Evidence", "FormStash", "Inquiry", "Interview", "Person",
    "Recommendation", "RelevantState", "User", "UserRole",
]
