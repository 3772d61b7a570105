from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Base
from ..timestamps import LimaDateTime


class AuditEvent(Base):
    """One event: who did or read what, when, with the before/after of each changed field.

    Never updated or deleted (see ``sdp.audit.services``); ``previous_hash`` and ``hash``
    chain the events of one ``lane`` so that an altered, inserted or deleted row is detected
    (``sdp.audit.chain`` explains the lanes).
    """

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(LimaDateTime())
    actor_kind: Mapped[str] = mapped_column(String(16))  # user | client | system
    actor_id: Mapped[int | None]
    actor_label: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    case_id: Mapped[int | None] = mapped_column(index=True)
    changes: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    request_id: Mapped[str | None] = mapped_column(String(64))
    previous_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))
    lane: Mapped[int] = mapped_column(SmallInteger, server_default="0")
    # A partner check chained from the audit journal (sdp.audit.journal): the journal file and
    # the line's number in it, hashed with the event; unique, so that no line is chained twice.
    journal_file: Mapped[str | None] = mapped_column(String(128))
    journal_seq: Mapped[int | None] = mapped_column(BigInteger)

    __table_args__ = (
        Index("ix_audit_events_lane_id", "lane", "id"),  # a lane's head: its last event
        Index("ix_audit_events_actor", "actor_kind", "actor_id", "at"),
        Index("ix_audit_events_entity", "entity", "entity_id"),
        Index("ux_audit_events_journal_line", "journal_file", "journal_seq", unique=True),
    )


# The table itself, for the Core INSERTs that write events without an ORM flush
# (sdp.audit.services, sdp.audit.journal): typed ``Table``, where ``AuditEvent.__table__`` is
# typed as any ``FromClause``, which ``insert()`` does not take.
audit_events = Base.metadata.tables[AuditEvent.__tablename__]
