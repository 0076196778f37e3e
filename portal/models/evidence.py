from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    TextClause,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from evidence.media import ANALYSABLE_FAMILIES, ANALYSABLE_TYPES, analysable
from portal.models.accounts import Organisation, User, enum_column
from portal.models.base import Base, utcnow
from portal.models.complaints import Complaint
from portal.models.enums import CustodyAction, EvidenceKind

if TYPE_CHECKING:
    from portal.models.transparency import Receipt


class EvidenceCluster(Base):
    """Evidence across filed complaints that shows the same picture (portal.services.clusters keeps it)."""

    __tablename__ = "evidence_clusters"
    __table_args__ = (Index("ix_evidence_clusters_complaints", "complaints", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    items: Mapped[int]
    complaints: Mapped[int]
    """Filed complaints its items belong to: two or more."""
    closest: Mapped[int | None]
    """Bits apart of its closest pair that is not identical; none when every pair is identical."""
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


_ANALYSABLE = " OR ".join(
    [
        *(f"media_type LIKE '{family}%'" for family in ANALYSABLE_FAMILIES),
        *(f"media_type = '{t}'" for t in ANALYSABLE_TYPES),
    ]
)
# The worker's two queues, as SQL with their constants written out, so that the planner can prove a query on
# one of them may use its partial index. Without those indexes, once the statistics see a backlog, it walks the
# primary key past every finished item: 507 ms a claim at 10^6 items, against 6 ms.
WAITING_FOR_ANALYSIS: TextClause = text(f"analysed_at IS NULL AND ({_ANALYSABLE})")
WAITING_FOR_MATCHING: TextClause = text("analysed_at IS NOT NULL AND matched_at IS NULL")


class EvidenceItem(Base):
    __tablename__ = "evidence_items"
    __table_args__ = (
        Index("ix_evidence_items_to_analyse", "id", postgresql_where=WAITING_FOR_ANALYSIS,
              sqlite_where=WAITING_FOR_ANALYSIS),
        Index("ix_evidence_items_to_match", "id", postgresql_where=WAITING_FOR_MATCHING,
              sqlite_where=WAITING_FOR_MATCHING),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(primary_key=True)
    # Evidence belongs to a complaint, or (a power of attorney) to its organisation alone.
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaints.id"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    sha512: Mapped[str | None] = mapped_column(String(128))
    sm3: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(100))
    storage_key: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(255))
    kind: Mapped[EvidenceKind] = mapped_column(enum_column(EvidenceKind))
    description: Mapped[str] = mapped_column(Text, default="")
    collected_at: Mapped[datetime | None]
    collected_where: Mapped[str] = mapped_column(String(300), default="")
    translation_of_id: Mapped[int | None] = mapped_column(ForeignKey("evidence_items.id"))
    width: Mapped[int | None]
    height: Mapped[int | None]
    phash: Mapped[str | None] = mapped_column(String(16))
    dhash: Mapped[str | None] = mapped_column(String(16))
    thumbnail_key: Mapped[str | None] = mapped_column(String(200))
    # What the file itself says (EXIF, PDF info, video container), read by the worker; never edited.
    media_meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    analysis_started_at: Mapped[datetime | None]
    analysed_at: Mapped[datetime | None] = mapped_column(index=True)
    analysis_error: Mapped[str | None] = mapped_column(String(300))
    matched_at: Mapped[datetime | None] = mapped_column(index=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    custody_head: Mapped[str] = mapped_column(String(64))
    custody_length: Mapped[int] = mapped_column(default=0)
    cluster_id: Mapped[int | None] = mapped_column(ForeignKey("evidence_clusters.id"), index=True)

    complaint: Mapped[Complaint | None] = relationship()
    organisation: Mapped[Organisation] = relationship()
    uploaded_by: Mapped[User] = relationship()
    translation_of: Mapped[EvidenceItem | None] = relationship(remote_side=[id])
    custody: Mapped[list[CustodyEvent]] = relationship(back_populates="item", order_by="CustodyEvent.seq")
    receipt: Mapped[Receipt | None] = relationship(back_populates="item")
    frames: Mapped[list[EvidenceFrame]] = relationship(back_populates="item", order_by="EvidenceFrame.number")

    @property
    def is_image(self) -> bool:
        return self.thumbnail_key is not None

    @property
    def preview_pending(self) -> bool:
        """The worker has yet to make this item's previews."""
        return self.analysed_at is None and analysable(self.media_type)


class CustodyEvent(Base):
    """One act on an evidence item; rows are only ever inserted."""

    __tablename__ = "custody_events"
    __table_args__ = (UniqueConstraint("evidence_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evidence_id: Mapped[int] = mapped_column(ForeignKey("evidence_items.id"), index=True)
    seq: Mapped[int]
    action: Mapped[CustodyAction] = mapped_column(enum_column(CustodyAction))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    outcome: Mapped[str] = mapped_column(String(20), default="ok")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    item: Mapped[EvidenceItem] = relationship(back_populates="custody")
    actor: Mapped[User | None] = relationship()

    def record(self) -> dict[str, Any]:
        """The fields the chain hash covers."""
        return {
            "evidence_id": self.evidence_id,
            "action": self.action.value,
            "actor_id": self.actor_id,
            "at": self.at.isoformat(),
            "outcome": self.outcome,
            "details": self.details,
        }


class DamagedObject(Base):
    """A stored object found not to hold the bytes it was received with, until it is repaired.

    One row per damaged object while the damage lasts; each finding and the
    repair are custody events of every item that uses the object, so the
    history stays in the chains and the log.
    """

    __tablename__ = "damaged_objects"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    outcome: Mapped[str] = mapped_column(String(20))  # "mismatch" or "missing"
    found_sha256: Mapped[str | None] = mapped_column(String(64))
    found_size: Mapped[int | None] = mapped_column(BigInteger)
    detected_via: Mapped[str] = mapped_column(String(20))  # scrub, download, export, verify
    detected_at: Mapped[datetime] = mapped_column(default=utcnow)


class EvidenceFrame(Base):
    """One picture in an evidence item (the image, a PDF page, a video key frame): its preview and fingerprint.

    The 64-bit codes are kept as signed integers, the way both databases store them.
    """

    __tablename__ = "evidence_frames"
    __table_args__ = (UniqueConstraint("evidence_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evidence_id: Mapped[int] = mapped_column(ForeignKey("evidence_items.id"), index=True)
    number: Mapped[int]
    at_seconds: Mapped[float | None]
    preview_key: Mapped[str] = mapped_column(String(200))
    full_code: Mapped[int] = mapped_column(BigInteger)
    centre_code: Mapped[int] = mapped_column(BigInteger)
    probe_codes: Mapped[bytes] = mapped_column(LargeBinary(128))

    item: Mapped[EvidenceItem] = relationship(back_populates="frames")


class EvidenceMatch(Base):
    """Two evidence items that show the same picture, at their closest pair of frames.

    Kept once per pair (``left_id < right_id``) at any distance up to the
    largest threshold an administrator may choose, so that moving the
    threshold needs no new search.
    """

    __tablename__ = "evidence_matches"
    __table_args__ = (
        CheckConstraint("left_id < right_id", name="ordered_pair"),
        Index("ix_evidence_matches_right", "right_id"),
    )

    left_id: Mapped[int] = mapped_column(ForeignKey("evidence_items.id"), primary_key=True)
    right_id: Mapped[int] = mapped_column(ForeignKey("evidence_items.id"), primary_key=True)
    distance: Mapped[int]
    left_frame: Mapped[int]
    right_frame: Mapped[int]
    found_at: Mapped[datetime] = mapped_column(default=utcnow)


class ResumableUpload(Base):
    """A file on its way in over several requests (tus), until it is named as evidence or a document.

    ``offset`` bytes have arrived and are in the store where ``partial`` says;
    ``hasher_state`` holds the check values over them, so that the next request
    goes on from there in any worker. A request that is writing holds the
    lease, so that two never write the same upload at once.
    """

    __tablename__ = "resumable_uploads"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    length: Mapped[int] = mapped_column(BigInteger)
    offset: Mapped[int] = mapped_column(BigInteger, default=0)
    filename: Mapped[str] = mapped_column(String(255), default="")
    meta: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    """The client's Upload-Metadata, decoded."""
    media_type: Mapped[str | None] = mapped_column(String(100))
    hasher_state: Mapped[bytes] = mapped_column(LargeBinary)
    partial: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    lease: Mapped[str | None] = mapped_column(String(32))
    lease_until: Mapped[datetime | None]
