from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import DDL, ForeignKey, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.accounts import User, enum_column
from portal.models.base import Base, utcnow
from portal.models.complaints import Complaint
from portal.models.enums import Stage

CASE_NUMBER_MAX = 100


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_number: Mapped[str] = mapped_column(String(CASE_NUMBER_MAX), unique=True)
    procuratorate: Mapped[str] = mapped_column(String(200))
    charges: Mapped[str] = mapped_column(Text)
    prosecutor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    stage: Mapped[Stage] = mapped_column(enum_column(Stage))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    prosecutor: Mapped[User] = relationship(foreign_keys=[prosecutor_id])
    complaints: Mapped[list[Complaint]] = relationship(back_populates="case", order_by=Complaint.id)
    stage_changes: Mapped[list[StageChange]] = relationship(
        back_populates="case", order_by="(StageChange.occurred_on, StageChange.id)"
    )


# The case picker finds a case by any part of its number: trigrams on PostgreSQL (migration 0022 creates the
# same); the embedded SQLite scans its few cases.
POSTGRES_CASE_NUMBERS = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_cases_number_trigrams ON cases USING gin (case_number gin_trgm_ops)",
)
for statement in POSTGRES_CASE_NUMBERS:
    event.listen(Case.__table__, "after_create", DDL(statement).execute_if(dialect="postgresql"))


class StageChange(Base):
    __tablename__ = "stage_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    stage: Mapped[Stage] = mapped_column(enum_column(Stage))
    occurred_on: Mapped[date]
    note: Mapped[str] = mapped_column(Text, default="")
    note_shared: Mapped[bool] = mapped_column(default=False)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship(back_populates="stage_changes")
    recorded_by: Mapped[User] = relationship()
