"""Evidence items: upload, custody, download, verification."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from evidence import fixity
from evidence.custody import GENESIS, ChainReport, Entry, verify_chain
from evidence.errors import ObjectMissing, StoreUnavailable
from evidence.filenames import clean_display_name
from evidence.ingest import Ingested
from evidence.stores import Store
from portal.models import (
    CaseDocument,
    Complaint,
    ComplaintStatus,
    CustodyAction,
    CustodyEvent,
    EvidenceFrame,
    EvidenceItem,
    EvidenceKind,
    User,
    utcnow,
)
from portal.services import clusters, integrity, receipts, search
from portal.services.access import get_complaint, get_evidence, require_filing_holder
from portal.services.custody import lock_items, record_custody
from portal.services.errors import Conflict, Invalid, NotFound, Unavailable

# Drafts, complaints awaiting more information, and accepted complaints while their case runs
# (participants answer requests and support their submissions with new evidence).
UPLOADABLE = frozenset({ComplaintStatus.DRAFT, ComplaintStatus.INFO_REQUESTED, ComplaintStatus.ACCEPTED})


@dataclass(frozen=True)
class EvidenceMeta:
    filename: str
    kind: EvidenceKind = EvidenceKind.OTHER
    description: str = ""
    collected_at: datetime | None = None
    collected_where: str = ""
    translation_of_id: int | None = None


def _uploadable(session: Session, actor: User, complaint_id: int, meta: EvidenceMeta) -> Complaint:
    complaint = get_complaint(session, actor, complaint_id)
    require_filing_holder(session, actor, complaint.org_id)
    if complaint.status not in UPLOADABLE:
        raise Conflict(
            "Evidence can be added only to a draft, when more information is requested, or in an accepted case."
        )
    if meta.kind is not EvidenceKind.TRANSLATION and meta.translation_of_id is not None:
        raise Invalid(
            "Only a translation can point to the item it translates.",
            {"translation_of": "Set the kind to translation."},
        )
    if meta.translation_of_id is not None:
        original = session.get(EvidenceItem, meta.translation_of_id)
        if original is None or original.complaint_id != complaint_id:
            raise Invalid(
                "The translated item must belong to the same complaint.",
                {"translation_of": "Not an item of this complaint."},
            )
    if len(meta.description) > 5000 or len(meta.collected_where) > 300:
        raise Invalid("The description or place is too long.")
    return complaint


def add_evidence(
    session: Session,
    store: Store,
    notary: receipts.Notary,
    actor: User,
    complaint_id: int,
    receive: Callable[[], Ingested],
    meta: EvidenceMeta,
    then: Callable[[EvidenceItem], None] | None = None,
) -> EvidenceItem:
    """Record an upload as evidence of the complaint.

    ``receive`` streams the bytes into the store and commits them to their
    content address; it runs only once the actor, the complaint's state and
    the details have been checked. ``then`` is as for :func:`receive_item`.
    """
    complaint = _uploadable(session, actor, complaint_id, meta)

    def searchable(item: EvidenceItem) -> None:
        session.flush()
        search.reindex(session, complaint)
        if then is not None:
            then(item)

    return receive_item(session, store, notary, actor, receive, meta, complaint.org_id, complaint_id, searchable)


def receive_item(
    session: Session,
    store: Store,
    notary: receipts.Notary,
    actor: User,
    receive: Callable[[], Ingested],
    meta: EvidenceMeta,
    org_id: int,
    complaint_id: int | None = None,
    then: Callable[[EvidenceItem], None] | None = None,
) -> EvidenceItem:
    """Receive checked bytes as an evidence item, with custody, a signed receipt and log leaves.

    ``then`` adds rows that belong with the item in the same transaction (a
    power of attorney); if anything fails, nothing is kept and a newly stored
    object is removed again. The receipt's timestamp is asked for after the
    commit; a TSA that does not answer leaves it to ``portal worker``.
    """
    if not notary.keys.has("receipt"):
        raise Unavailable(
            "The portal cannot sign receipts: its keys are missing. The operator must run `portal keys generate`."
        )
    with integrity.storing(session, store, receive) as stored:
        item = EvidenceItem(
            complaint_id=complaint_id,
            org_id=org_id,
            sha256=stored.sha256,
            sha512=stored.digests.sha512,
            sm3=stored.digests.sm3,
            size=stored.size,
            media_type=stored.media_type,
            storage_key=stored.key,
            filename=clean_display_name(meta.filename),
            kind=meta.kind,
            description=meta.description.strip(),
            collected_at=meta.collected_at,
            collected_where=meta.collected_where.strip(),
            translation_of_id=meta.translation_of_id,
            width=stored.width,
            height=stored.height,
            phash=stored.phash,
            dhash=stored.dhash,
            thumbnail_key=stored.thumbnail_key,
            uploaded_by_id=actor.id,
            custody_head=GENESIS,
            custody_length=0,
        )
        session.add(item)
        session.flush()
        integrity.settle(session, store, stored, actor, {"evidence_id": item.id})
        record_custody(
            session,
            item,
            CustodyAction.RECEIVED,
            actor,
            details={
                "sha256": stored.sha256,
                "size": stored.size,
                "media_type": stored.media_type,
                "filename": item.filename,
            },
        )
        receipt = receipts.issue(session, notary, item)
        if complaint_id is not None:
            clusters.join_item(session, item.id)  # an identical file filed elsewhere; matches come from the worker
        if then is not None:
            then(item)
        session.commit()
    receipts.stamp(session, notary, receipt)
    return item


def view_item(session: Session, actor: User, evidence_id: int) -> EvidenceItem:
    item = get_evidence(session, actor, evidence_id)
    record_custody(session, item, CustodyAction.VIEWED, actor)
    session.commit()
    return item


@dataclass(frozen=True)
class Download:
    item: EvidenceItem | CaseDocument
    chunks: Iterator[bytes]
    """The stored bytes, checked against the item's SHA-256 as they stream; a mismatch breaks them off."""


def download(session: Session, store: Store, actor: User, evidence_id: int) -> Download:
    """Record the download, then hand over the bytes."""
    item = get_evidence(session, actor, evidence_id)
    download = open_download(session, store, item)
    record_custody(session, item, CustodyAction.DOWNLOADED, actor, details={"via": "portal"})
    session.commit()
    return download


def open_download(session: Session, store: Store, item: EvidenceItem | CaseDocument) -> Download:
    """The stored file's bytes, refused if it is known damaged, and checked as they stream."""
    marked = integrity.damage_of(session, [item.sha256]).get(item.sha256)
    if marked is not None:
        raise Conflict(
            "The stored file is damaged (%(outcome)s, found by %(via)s); it cannot be handed out until it is repaired.",
            outcome=marked.outcome,
            via=marked.detected_via,
        )
    try:
        return Download(item, integrity.read_checked(session, store, item, "download"))
    except ObjectMissing as exc:
        raise Conflict("The stored file is missing; it cannot be handed out until it is repaired.") from exc
    except StoreUnavailable as exc:
        raise integrity.unavailable(exc) from exc


def thumbnail(session: Session, store: Store, actor: User, evidence_id: int) -> Iterator[bytes]:
    item = get_evidence(session, actor, evidence_id)
    if item.thumbnail_key is None:
        raise Conflict("This item has no preview.")
    return _derived(store, item.thumbnail_key)


def preview(session: Session, store: Store, actor: User, evidence_id: int, number: int) -> Iterator[bytes]:
    """The preview of one picture of the item (the image, a PDF page, a video key frame)."""
    item = get_evidence(session, actor, evidence_id)
    frame = session.scalar(
        select(EvidenceFrame).where(EvidenceFrame.evidence_id == item.id, EvidenceFrame.number == number)
    )
    if frame is None:
        raise NotFound("This item has no such picture.")
    return _derived(store, frame.preview_key)


def _derived(store: Store, key: str) -> Iterator[bytes]:
    try:
        return store.read(key)
    except ObjectMissing as exc:
        raise Conflict("The preview of this item is missing.") from exc
    except StoreUnavailable as exc:
        raise integrity.unavailable(exc) from exc


@dataclass(frozen=True)
class Verification:
    item: EvidenceItem
    outcome: str  # "ok", "mismatch" or "missing"
    sha256: str | None
    size: int | None
    at: datetime


def verify(session: Session, store: Store, actor: User, evidence_id: int) -> Verification:
    """Re-read the stored object, recompute SHA-256 and record the result."""
    item = get_evidence(session, actor, evidence_id)
    try:
        damage = fixity.check(store, item.storage_key, item.sha256, item.size)
    except StoreUnavailable as exc:
        raise integrity.unavailable(exc) from exc
    if damage is not None:
        integrity.damaged(session, item.sha256, damage, "verify", actor)
        return Verification(item, damage.outcome, damage.found_sha256, damage.found_size, utcnow())
    details = {"sha256": item.sha256, "size": item.size}
    if integrity.damage_of(session, [item.sha256]):
        integrity.resolve(session, item.sha256, CustodyAction.VERIFIED, actor, {"via": "verify", **details})
    else:
        record_custody(session, item, CustodyAction.VERIFIED, actor, details=details)
    session.commit()
    return Verification(item, "ok", item.sha256, item.size, utcnow())


def custody(session: Session, actor: User, evidence_id: int) -> tuple[list[CustodyEvent], ChainReport]:
    item = get_evidence(session, actor, evidence_id)
    events = list(
        session.scalars(select(CustodyEvent).where(CustodyEvent.evidence_id == item.id).order_by(CustodyEvent.seq))
    )
    report = verify_chain([Entry(e.seq, e.record(), e.prev_hash, e.hash) for e in events], item.custody_head)
    return events, report


def record_linked(session: Session, ids: Iterable[int], actor: User, case_number: str) -> None:
    for item in lock_items(session, ids):
        record_custody(session, item, CustodyAction.LINKED, actor, details={"case_number": case_number})
