from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class BirthRegistration(db.Model):
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
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_birth_registrations_child", "child_date_of_birth", "child_family_key", "child_given_key"),)
