from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import DDL, Column, ForeignKey, Index, Numeric, String, Table, Text, UniqueConstraint, event, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.accounts import IPRight, Organisation, User, enum_column
from portal.models.base import Base, utcnow
from portal.models.enums import ComplaintStatus

if TYPE_CHECKING:
    from portal.models.cases import Case

complaint_rights = Table(
    "complaint_rights",
    Base.metadata,
    Column("complaint_id", ForeignKey("complaints.id", ondelete="CASCADE"), primary_key=True),
    Column("right_id", ForeignKey("ip_rights.id"), primary_key=True),
)


class Complaint(Base):
    __tablename__ = "complaints"
    # The review queue's order, and the holder's lists by id within an organisation.
    __table_args__ = (Index("ix_complaints_submitted", "submitted_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[ComplaintStatus] = mapped_column(
        enum_column(ComplaintStatus), default=ComplaintStatus.DRAFT, index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    facts: Mapped[str] = mapped_column(Text, default="")
    discovered_on: Mapped[date | None]
    discovery_method: Mapped[str] = mapped_column(Text, default="")
    illegal_volume: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    units: Mapped[int | None]
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    language: Mapped[str] = mapped_column(String(5), default="en")
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    """Raised by every edit of the draft: the ETag that If-Match is checked against."""

    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    assigned_to: Mapped[User | None] = relationship(foreign_keys=[assigned_to_id])
    case: Mapped[Case | None] = relationship(back_populates="complaints")
    rights: Mapped[list[IPRight]] = relationship(secondary=complaint_rights, order_by=IPRight.id)
    infringers: Mapped[list[Infringer]] = relationship(
        back_populates="complaint", cascade="all, delete-orphan", order_by="Infringer.id"
    )
    info_requests: Mapped[list[InformationRequest]] = relationship(
        back_populates="complaint", order_by="InformationRequest.id"
    )

    @property
    def reference(self) -> str:
        return f"C-{self.id:06d}"


class Infringer(Base):
    __tablename__ = "infringers"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    address: Mapped[str] = mapped_column(Text, default="")
    shop_urls: Mapped[str] = mapped_column(Text, default="")  # one URL a line
    platform: Mapped[str] = mapped_column(String(100), default="")

    complaint: Mapped[Complaint] = relationship(back_populates="infringers")
    keys: Mapped[list[InfringerKey]] = relationship(cascade="all, delete-orphan")

    @property
    def url_list(self) -> list[str]:
        return [line for line in self.shop_urls.splitlines() if line.strip()]


class InfringerKey(Base):
    """A normalised name, shop or domain of an infringer, for finding complaints that name the same one."""

    __tablename__ = "infringer_keys"
    # Complaints naming a key, the last first: read backwards from this index.
    __table_args__ = (Index("ix_infringer_keys_lookup", "kind", "value", "infringer_id"),)

    infringer_id: Mapped[int] = mapped_column(ForeignKey("infringers.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)  # name, shop, domain
    value: Mapped[str] = mapped_column(String(300), primary_key=True)


class SharedKey(Base):
    """A key named in filed complaints, with how many: counted once, as each complaint is submitted (its
    infringers no longer change), so that the infringers named most are read from an index on every view."""

    __tablename__ = "shared_keys"
    __table_args__ = (
        UniqueConstraint("kind", "value"),
        Index("ix_shared_keys_complaints", "complaints", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    value: Mapped[str] = mapped_column(String(300))
    complaints: Mapped[int]
    """Filed complaints naming an infringer with this key."""


class InformationRequest(Base):
    """A prosecutor's request for more information, and the rights holder's reply."""

    __tablename__ = "information_requests"
    # The dashboard's overdue requests: those still unanswered, the longest overdue first.
    __table_args__ = (
        Index(
            "ix_information_requests_open",
            "due_on",
            "id",
            postgresql_where=text("replied_at IS NULL"),
            sqlite_where=text("replied_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    message: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date]
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    reply: Mapped[str] = mapped_column(Text, default="")
    replied_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    replied_at: Mapped[datetime | None]

    complaint: Mapped[Complaint] = relationship(back_populates="info_requests")
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])


class SearchDocument(Base):
    """A complaint's searchable text, as terms (portal.services.search); indexed by the database."""

    __tablename__ = "search_documents"
    __table_args__ = (Index("ix_search_documents_submitted", "submitted_at", "complaint_id"),)

    complaint_id: Mapped[int] = mapped_column(
        ForeignKey("complaints.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    body: Mapped[str] = mapped_column(Text)
    submitted_at: Mapped[datetime | None]
    """The complaint's, kept here so that matches come newest first from one index; none for a draft, which
    search never shows."""


# The full-text index is the database's own: an FTS5 table kept in step with the text by triggers on SQLite;
# on PostgreSQL the terms as a stored tsvector with a GIN index (migrations 0009 and 0021 create the same).
SQLITE_SEARCH = (
    "CREATE VIRTUAL TABLE search_fts USING fts5(body, content='search_documents', content_rowid='complaint_id')",
    "CREATE TRIGGER search_documents_ai AFTER INSERT ON search_documents BEGIN "
    "INSERT INTO search_fts(rowid, body) VALUES (new.complaint_id, new.body); END",
    "CREATE TRIGGER search_documents_ad AFTER DELETE ON search_documents BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, body) VALUES ('delete', old.complaint_id, old.body); END",
    "CREATE TRIGGER search_documents_au AFTER UPDATE OF body ON search_documents BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, body) VALUES ('delete', old.complaint_id, old.body); "
    "INSERT INTO search_fts(rowid, body) VALUES (new.complaint_id, new.body); END",
)
POSTGRES_SEARCH = (
    "ALTER TABLE search_documents ADD COLUMN terms tsvector GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED",
    "CREATE INDEX ix_search_documents_terms ON search_documents USING gin (terms)",
)
for statement in SQLITE_SEARCH:
    event.listen(SearchDocument.__table__, "after_create", DDL(statement).execute_if(dialect="sqlite"))
for statement in POSTGRES_SEARCH:
    event.listen(SearchDocument.__table__, "after_create", DDL(statement).execute_if(dialect="postgresql"))
