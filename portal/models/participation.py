"""Rights holders taking part in a case: notices, decisions with deadlines, requests both ways,
submissions, hearings and shared documents."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.accounts import Organisation, User, enum_column
from portal.models.base import Base, utcnow
from portal.models.cases import Case
from portal.models.enums import (
    DecisionKind,
    DocumentKind,
    HearingStatus,
    RequestKind,
    SubmissionKind,
)
from portal.models.transparency import LogEntry


class CaseDocument(Base):
    """A file the procuratorate puts in the case for participants: stored, hashed, never changed."""

    __tablename__ = "case_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[DocumentKind] = mapped_column(enum_column(DocumentKind))
    title: Mapped[str] = mapped_column(String(300))
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    storage_key: Mapped[str] = mapped_column(String(200))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship()
    shares: Mapped[list[DocumentShare]] = relationship(back_populates="document", order_by="DocumentShare.org_id")


class DocumentShare(Base):
    __tablename__ = "document_shares"

    document_id: Mapped[int] = mapped_column(ForeignKey("case_documents.id"), primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    shared_at: Mapped[datetime] = mapped_column(default=utcnow)
    shared_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    document: Mapped[CaseDocument] = relationship(back_populates="shares")
    organisation: Mapped[Organisation] = relationship()


class Notice(Base):
    """A notice of litigation rights and obligations served on one participant."""

    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    document_id: Mapped[int] = mapped_column(ForeignKey("case_documents.id"))
    text_zh: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str] = mapped_column(Text)
    served_at: Mapped[datetime] = mapped_column(default=utcnow)
    served_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    opened_at: Mapped[datetime | None]
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    case: Mapped[Case] = relationship()
    organisation: Mapped[Organisation] = relationship()
    document: Mapped[CaseDocument] = relationship()
    acknowledged_by: Mapped[User | None] = relationship(foreign_keys=[acknowledged_by_id])


class ServedDecision(Base):
    """A decision served on the participants that opens a statutory deadline for them."""

    __tablename__ = "served_decisions"
    __table_args__ = (Index("ix_served_decisions_due", "due_on", "id"),)  # the deadlines running, soonest first

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[DecisionKind] = mapped_column(enum_column(DecisionKind))
    decided_on: Mapped[date]
    served_on: Mapped[date]
    due_on: Mapped[date]
    due_provisional: Mapped[bool] = mapped_column(default=False)
    """The due date falls in a year whose official holiday schedule was not yet known."""
    summary: Mapped[str] = mapped_column(Text, default="")
    document_id: Mapped[int | None] = mapped_column(ForeignKey("case_documents.id"))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship()
    document: Mapped[CaseDocument | None] = relationship()


class DeadlineReminder(Base):
    """A reminder sent before a deadline; the key makes each one go out once, whichever worker sends it."""

    __tablename__ = "deadline_reminders"

    decision_id: Mapped[int] = mapped_column(ForeignKey("served_decisions.id"), primary_key=True)
    days_before: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)


class CaseRequest(Base):
    """Something the prosecutor asks of one participant, by a due date."""

    __tablename__ = "case_requests"
    __table_args__ = (
        Index(
            "ix_case_requests_open",
            "due_on",
            "id",
            postgresql_where=text("answered_at IS NULL"),
            sqlite_where=text("answered_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    kind: Mapped[RequestKind] = mapped_column(enum_column(RequestKind))
    message: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[datetime | None]

    case: Mapped[Case] = relationship()
    organisation: Mapped[Organisation] = relationship()


class Hearing(Base):
    __tablename__ = "hearings"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    starts_at: Mapped[datetime]
    duration_minutes: Mapped[int]
    court: Mapped[str] = mapped_column(String(300))
    room: Mapped[str] = mapped_column(String(100), default="")
    remote_url: Mapped[str] = mapped_column(String(500), default="")
    interpreter: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[HearingStatus] = mapped_column(enum_column(HearingStatus), default=HearingStatus.SCHEDULED)
    sequence: Mapped[int] = mapped_column(default=0)
    """iCalendar SEQUENCE: raised at each change, so calendars replace the earlier invitation."""
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship()


class Submission(Base):
    """An opinion, statement, answer or petition from a participant."""

    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    kind: Mapped[SubmissionKind] = mapped_column(enum_column(SubmissionKind))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    sha256: Mapped[str] = mapped_column(String(64))
    """Of the canonical record logged at ``log_index``: those exact bytes are the submission."""
    log_index: Mapped[int] = mapped_column(BigInteger, ForeignKey("log_entries.index"))
    request_id: Mapped[int | None] = mapped_column(ForeignKey("case_requests.id"))
    hearing_id: Mapped[int | None] = mapped_column(ForeignKey("hearings.id"))
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("served_decisions.id"))
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    submitted_by: Mapped[User] = relationship()
    log_entry: Mapped[LogEntry] = relationship()
