from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..domain.vocabulary import DocumentStatus
from ..extensions import db


class Document(db.Model):
    """An issued document. Its status is stored for revoked and superseded; expiry is computed."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(String(32), unique=True)
    type: Mapped[str] = mapped_column(String(32), index=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"), index=True)
    birth_registration_id: Mapped[int | None] = mapped_column(ForeignKey("birth_registrations.id"), index=True)
    holder_given_names: Mapped[str] = mapped_column(String(200))
    holder_family_names: Mapped[str] = mapped_column(String(200))
    holder_date_of_birth: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=DocumentStatus.VALID.value)
    issued_on: Mapped[date] = mapped_column(Date, index=True)
    valid_until: Mapped[date | None] = mapped_column(Date)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_on: Mapped[date | None] = mapped_column(Date)
    revocation_reason: Mapped[str | None] = mapped_column(Text)
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))

    def current_status(self, today: date) -> DocumentStatus:
        if self.status != DocumentStatus.VALID:
            return DocumentStatus(self.status)
        if self.valid_until is not None and today > self.valid_until:
            return DocumentStatus.EXPIRED
        return DocumentStatus.VALID
