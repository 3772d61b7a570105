from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..crypto import EncryptedText
from ..extensions import Base
from ..timestamps import LimaDateTime


class EvidenceFile(Base):
    """A file attached to an item of evidence. The content lives encrypted in the upload
    folder under ``storage_name`` (random); the name the file had is encrypted here."""

    __tablename__ = "evidence_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    evidence_id: Mapped[int] = mapped_column(
        ForeignKey("evidence.id", ondelete="CASCADE"), index=True
    )
    original_name: Mapped[str] = mapped_column(EncryptedText("evidence_files.original_name"))
    content_type: Mapped[str] = mapped_column(String(32))  # from the content, never from the name
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_name: Mapped[str] = mapped_column(String(64), unique=True)
    uploaded_at: Mapped[datetime] = mapped_column(LimaDateTime())
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
