from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..crypto import EncryptedText
from ..domain.vocabulary import DocumentStatus
from ..extensions import Base
from ..timestamps import LimaDateTime


class Document(Base):
    """An issued document. Its status is stored for revoked and superseded; expiry is computed.

    ``content`` is the snapshot of what the PDF says (findings, nationality, validity...),
    taken at issue, so the PDF rendered later is the document that was issued, whatever
    changes in the case afterwards. ``qr_payload`` is the signed text of its QR code.
    """

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(String(32), unique=True)
    type: Mapped[str] = mapped_column(String(32), index=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"), index=True)
    birth_registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("birth_registrations.id"), index=True
    )
    holder_given_names: Mapped[str] = mapped_column(String(200))
    holder_family_names: Mapped[str] = mapped_column(String(200))
    holder_date_of_birth: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=DocumentStatus.VALID.value)
    issued_on: Mapped[date] = mapped_column(Date, index=True)
    valid_until: Mapped[date | None] = mapped_column(Date)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(LimaDateTime())
    revoked_on: Mapped[date | None] = mapped_column(Date)
    revocation_reason: Mapped[str | None] = mapped_column(
        EncryptedText("documents.revocation_reason")
    )
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    # The person the document is about (the applicant or a dependant) on a case document.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    key_id: Mapped[str | None] = mapped_column(String(16))
    qr_payload: Mapped[str | None] = mapped_column(Text)
    languages: Mapped[str | None] = mapped_column(String(35), default="es")  # e.g. "es" or "es en"
    content: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    def current_status(self, today: date) -> DocumentStatus:
        if self.status != DocumentStatus.VALID:
            return DocumentStatus(self.status)
        if self.valid_until is not None and today > self.valid_until:
            return DocumentStatus.EXPIRED
        return DocumentStatus.VALID


class DocumentKey(Base):
    """A public key that signs (or signed) documents' QR codes, published with its key id.

    Private keys never reach the database: they live in the instance folder (or an
    environment variable) of the app servers. A retired key still verifies the documents
    it signed before it was retired, and nothing signed after.
    """

    __tablename__ = "document_keys"

    key_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    algorithm: Mapped[str] = mapped_column(String(16), default="Ed25519")
    public_key: Mapped[str] = mapped_column(String(64))  # base64url of the 32 raw bytes
    created_at: Mapped[datetime] = mapped_column(LimaDateTime())
    retired_at: Mapped[datetime | None] = mapped_column(LimaDateTime())
