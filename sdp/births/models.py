"""Birth registration of children born in Peru (ius soli) and its registry record.

A parent's nationality is an ISO 3166-1 alpha-2 code in ``*_nationality``; a stateless
parent has ``*_stateless`` true and no nationality (statelessness is not a country); a
Peruvian parent's ``*_nationality_basis`` says how they are Peruvian (by birth, by
naturalization or by option: Law 32421, for a child born abroad). The parents' asylum
status is kept as it was declared at registration (``*_asylum_status``), so statistics
count the situation at the time of the birth, not a later one.
"""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Base
from ..timestamps import LimaDateTime


class BirthRegistration(Base):
    __tablename__ = "birth_registrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_number: Mapped[str] = mapped_column(String(20), unique=True)
    child_given_names: Mapped[str] = mapped_column(String(200))
    child_family_names: Mapped[str] = mapped_column(String(200))
    child_given_key: Mapped[str] = mapped_column(String(200))
    child_family_key: Mapped[str] = mapped_column(String(200))
    child_sex: Mapped[str] = mapped_column(String(1))
    child_date_of_birth: Mapped[date] = mapped_column(Date)
    birth_country: Mapped[str] = mapped_column(String(2))
    birth_locality: Mapped[str | None] = mapped_column(String(200))
    foundling: Mapped[bool] = mapped_column(default=False)
    mother_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    father_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    mother_nationality: Mapped[str | None] = mapped_column(String(2))
    father_nationality: Mapped[str | None] = mapped_column(String(2))
    mother_case_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"), index=True)
    father_case_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"), index=True)
    nationality_country: Mapped[str] = mapped_column(String(2))
    nationality_basis: Mapped[str] = mapped_column(String(16))
    registered_on: Mapped[date] = mapped_column(Date, index=True)
    late_registration: Mapped[bool] = mapped_column(default=False)
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(LimaDateTime())
    # Added by the birth registration feature.
    mother_stateless: Mapped[bool] = mapped_column(default=False)
    father_stateless: Mapped[bool] = mapped_column(default=False)
    mother_asylum_status: Mapped[str | None] = mapped_column(String(16))
    father_asylum_status: Mapped[str | None] = mapped_column(String(16))
    # How a Peruvian parent is Peruvian (PeruvianNationalityBasis: birth, naturalization, option);
    # None when not given or the parent is not Peruvian. Migration 0005.
    mother_nationality_basis: Mapped[str | None] = mapped_column(String(16))
    father_nationality_basis: Mapped[str | None] = mapped_column(String(16))
    # The certificado de nacido vivo (CNV) issued by the health facility, when there is one.
    live_birth_certificate_number: Mapped[str | None] = mapped_column(String(40), unique=True)
    declarant_name: Mapped[str | None] = mapped_column(String(200))
    declarant_relationship: Mapped[str | None] = mapped_column(String(16))
    declarant_document: Mapped[str | None] = mapped_column(String(40))
    late_registration_evidence: Mapped[str | None] = mapped_column(Text)
    # sdp.domain.birth_registration.duplicate_key: one registration per child, enforced by the
    # database.
    duplicate_key: Mapped[str] = mapped_column(String(64), unique=True)

    # Loaded only when a page shows them: the registry check reads the row alone.
    mother = relationship("Person", foreign_keys=[mother_id])
    father = relationship("Person", foreign_keys=[father_id])
    mother_case = relationship("Application", foreign_keys=[mother_case_id])
    father_case = relationship("Application", foreign_keys=[father_case_id])

    __table_args__ = (
        Index(
            "ix_birth_registrations_child",
            "child_date_of_birth",
            "child_family_key",
            "child_given_key",
        ),
    )


class BirthNumberCounter(Base):
    """The last registration sequence of each year. Incremented under the row's lock in the
    registering transaction, so two registrars never get the same number."""

    __tablename__ = "birth_number_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_value: Mapped[int] = mapped_column(Integer, default=0)
