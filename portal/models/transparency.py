"""The transparency log, its checkpoints, and the receipts it holds."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DDL, BigInteger, ForeignKey, LargeBinary, SmallInteger, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, utcnow
from portal.models.evidence import EvidenceItem


class LogHead(Base):
    """One row: the log's size. Appenders increment it first, which serialises them."""

    __tablename__ = "log_head"

    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)


# The row exists from the start (migration 0003 inserts it too).
event.listen(LogHead.__table__, "after_create", DDL("INSERT INTO log_head (id, size) VALUES (1, 0)"))


class LogEntry(Base):
    """A leaf: its exact bytes, their RFC 6962 leaf hash, and what it records."""

    __tablename__ = "log_entries"

    index: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(20), index=True)  # receipt, custody, key
    data: Mapped[bytes] = mapped_column(LargeBinary)
    leaf_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    evidence_id: Mapped[int | None] = mapped_column(ForeignKey("evidence_items.id"), index=True)
    custody_event_id: Mapped[int | None] = mapped_column(ForeignKey("custody_events.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LogNode(Base):
    """A perfect subtree of the log (see :mod:`evidence.tlog`)."""

    __tablename__ = "log_nodes"

    level: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    index: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class LogCheckpoint(Base):
    __tablename__ = "log_checkpoints"

    size: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    root_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    note: Mapped[str] = mapped_column(Text)
    timestamp_token: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Receipt(Base):
    """What the portal signed when it received an item; ``body`` is the exact signed JSON."""

    __tablename__ = "receipts"

    evidence_id: Mapped[int] = mapped_column(ForeignKey("evidence_items.id"), primary_key=True)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    signature: Mapped[bytes] = mapped_column(LargeBinary(64))
    key_fingerprint: Mapped[str] = mapped_column(String(64))
    log_index: Mapped[int] = mapped_column(BigInteger, unique=True)
    timestamp_token: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    item: Mapped[EvidenceItem] = relationship(back_populates="receipt")
