"""Bulk filing: a sheet of complaints, checked as a whole, then filed row by row."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.accounts import Organisation, User, enum_column
from portal.models.base import Base, utcnow
from portal.models.complaints import Complaint
from portal.models.enums import RowState


class FilingBatch(Base):
    """One sheet sent for filing, with the ZIP of evidence sent beside it.

    Checking it files nothing; filing it files its valid rows, each once:
    a row records its complaint and each file it has received in the same
    transaction that makes them, so a filing cut off goes on where it stopped.
    """

    __tablename__ = "filing_batches"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    sheet_name: Mapped[str] = mapped_column(String(255))
    archive: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    """Where the store keeps the ZIP of evidence (a partial named by the batch's id) until the batch is filed."""
    archive_name: Mapped[str] = mapped_column(String(255), default="")
    submit: Mapped[bool]
    """File the rows as submitted complaints, not drafts."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    filed_at: Mapped[datetime | None]
    lease: Mapped[str | None] = mapped_column(String(32))
    lease_until: Mapped[datetime | None]

    user: Mapped[User] = relationship()
    rows: Mapped[list[BatchRow]] = relationship(
        back_populates="batch", order_by="BatchRow.number", cascade="all, delete-orphan"
    )


class BatchRow(Base):
    __tablename__ = "batch_rows"
    __table_args__ = (UniqueConstraint("batch_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[str] = mapped_column(ForeignKey("filing_batches.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    """The row's number as the spreadsheet shows it (the header is row 1)."""
    title: Mapped[str] = mapped_column(String(200), default="")
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    values: Mapped[dict[str, Any]] = mapped_column(JSON)
    """The complaint and its evidence as checked, ready to file."""
    errors: Mapped[dict[str, list[Any]]] = mapped_column(JSON, default=dict)
    """Column name: [message template, its parameters]; empty for a valid row."""
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaints.id"))
    state: Mapped[RowState] = mapped_column(enum_column(RowState))
    received: Mapped[list[str]] = mapped_column(JSON, default=list)
    """The evidence references of ``values`` already received as items of the complaint."""

    batch: Mapped[FilingBatch] = relationship(back_populates="rows")
    organisation: Mapped[Organisation | None] = relationship()
    complaint: Mapped[Complaint | None] = relationship()
