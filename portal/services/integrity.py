"""Stored objects and the rows that use them: receiving, damage and repair.

An object is content addressed and may back several evidence items and case
documents. Everything that makes a row use an object (an upload) and
everything that removes an object (an undone upload, the sweeper) first
takes the object's lock in the database, so no row commits without its
object and no object goes while a row that uses it is being written.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from sqlalchemy import delete, false, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from evidence.errors import ObjectMissing, StoreUnavailable
from evidence.fixity import Damage, verified
from evidence.ingest import Ingested
from evidence.stores import Store, read_ahead
from portal.models import CaseDocument, CustodyAction, DamagedObject, EvidenceItem, LogHead, User
from portal.services.custody import lock_items, record_custody
from portal.services.errors import Unavailable

log = logging.getLogger(__name__)


def unavailable(exc: StoreUnavailable) -> Unavailable:
    """The answer for a store that did not answer; raised ``from exc``, whose detail the error log shows."""
    return Unavailable("The evidence store is unavailable; try again shortly.")


def hold(session: Session, sha256: str) -> None:
    """Lock the object with this SHA-256 until the transaction ends."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(int(sha256[:15], 16))))
    else:
        # SQLite has one writer at a time: a write, even of nothing, takes that lock.
        session.execute(update(LogHead).where(false()).values(size=LogHead.size))


def users_of(session: Session, sha256s: Collection[str]) -> set[str]:
    """Those of ``sha256s`` that an evidence item or a case document uses."""
    wanted = list(sha256s)
    items = select(EvidenceItem.sha256).where(EvidenceItem.sha256.in_(wanted))
    documents = select(CaseDocument.sha256).where(CaseDocument.sha256.in_(wanted))
    return set(session.scalars(items.union(documents)))


@contextmanager
def storing(session: Session, store: Store, receive: Callable[[], Ingested]) -> Iterator[Ingested]:
    """Receive a file into the store, then let the caller write its rows and commit.

    The caller calls :func:`settle` before its first log entry. If it fails
    before its commit, the rows are rolled back and a newly stored object is
    removed again, so nothing is left half-done.
    """
    session.commit()  # no transaction stays open while the bytes arrive
    try:
        stored = receive()
    except StoreUnavailable as exc:
        raise unavailable(exc) from exc
    try:
        yield stored
    except BaseException:
        session.rollback()
        if stored.created:
            discard_unreferenced(session, store, stored)
        raise


def settle(session: Session, store: Store, stored: Ingested, actor: User, used_by: Mapping[str, Any]) -> None:
    """Before an upload's rows commit: hold its object, check it is still there, and record a repair.

    ``used_by`` names the new row (``{"evidence_id": 7}``) in the custody of
    the other items whose object it repaired.
    """
    hold(session, stored.sha256)
    try:
        present = store.exists(stored.key)
    except StoreUnavailable as exc:
        raise unavailable(exc) from exc
    if not present:
        raise Unavailable("The file was removed from the store while it arrived; send it again.")
    found = stored.replaced
    if stored.created and _used_before(session, stored):
        found = Damage()  # rows used it before this upload began, yet the address was empty: it had been lost
    if found is not None:
        details = {"via": "upload", "found": found.outcome, "found_sha256": found.found_sha256, **used_by}
        resolve(session, stored.sha256, CustodyAction.REPAIRED, actor, details, skip=used_by.get("evidence_id"))
    elif session.get(DamagedObject, stored.sha256) is not None:
        # Marked damaged, yet the upload re-read it intact: it was put right outside the portal.
        resolve(session, stored.sha256, CustodyAction.VERIFIED, actor, {"via": "upload"})


def _used_before(session: Session, stored: Ingested) -> bool:
    items = select(EvidenceItem.id).where(EvidenceItem.sha256 == stored.sha256, EvidenceItem.received_at < stored.began)
    documents = select(CaseDocument.id).where(
        CaseDocument.sha256 == stored.sha256, CaseDocument.created_at < stored.began
    )
    return bool(session.scalar(select(or_(items.exists(), documents.exists()))))


def resolve(
    session: Session,
    sha256: str,
    action: CustodyAction,
    actor: User | None,
    details: dict[str, Any],
    skip: int | None = None,
) -> list[int]:
    """Record that the object holds its bytes again (``REPAIRED``, or ``VERIFIED`` when found so) in the
    custody of every item using it but ``skip``, and lift its damage mark (the caller commits)."""
    ids = [i for i in session.scalars(select(EvidenceItem.id).where(EvidenceItem.sha256 == sha256)) if i != skip]
    for item in lock_items(session, ids):
        record_custody(session, item, action, actor, details=details)
    session.execute(delete(DamagedObject).where(DamagedObject.sha256 == sha256))
    return ids


def damaged(session: Session, sha256: str, damage: Damage, via: str, actor: User | None = None) -> list[int]:
    """Record a finding of damage in the custody of every item using the object, and mark it (commits)."""
    ids = list(session.scalars(select(EvidenceItem.id).where(EvidenceItem.sha256 == sha256)))
    for item in lock_items(session, ids):
        record_custody(
            session,
            item,
            CustodyAction.VERIFIED,
            actor,
            outcome=damage.outcome,
            details={"via": via, "sha256": damage.found_sha256, "size": damage.found_size},
        )
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(
        insert(DamagedObject)
        .values(
            sha256=sha256,
            outcome=damage.outcome,
            found_sha256=damage.found_sha256,
            found_size=damage.found_size,
            detected_via=via,
        )
        .on_conflict_do_nothing(index_elements=["sha256"])
    )
    session.commit()
    log.error("stored object %s is damaged (%s, found by %s)", sha256, damage.outcome, via)
    return ids


def read_checked(session: Session, store: Store, row: EvidenceItem | CaseDocument, via: str) -> Iterator[bytes]:
    """The bytes of the row's object, broken off if they are not the ones received, the damage then recorded.

    Raises ObjectMissing (recorded too) at once. The bytes stream out after the
    request's session is gone, so findings are written in a session of their own.
    """
    engine = session.get_bind()
    sha256 = row.sha256

    def record(damage: Damage) -> None:
        with Session(engine) as fresh:
            damaged(fresh, sha256, damage, via)

    try:
        chunks = store.read(row.storage_key)
    except ObjectMissing:
        record(Damage())
        raise
    return verified(read_ahead(lambda: chunks), row.storage_key, row.sha256, row.size, record)


def damage_of(session: Session, sha256s: Collection[str]) -> dict[str, DamagedObject]:
    """The damage marks of those of ``sha256s`` that are known damaged."""
    if not sha256s:
        return {}
    rows = session.scalars(select(DamagedObject).where(DamagedObject.sha256.in_(list(sha256s))))
    return {row.sha256: row for row in rows}


def discard_unreferenced(session: Session, store: Store, stored: Ingested) -> None:
    """Undo a fresh object whose row could not be written, unless a row now uses it."""
    try:
        hold(session, stored.sha256)
        if not users_of(session, [stored.sha256]):
            store.delete(stored.key)
        session.commit()
    except Exception:  # the original error matters more; the sweeper removes the orphan later
        session.rollback()
        log.warning("could not remove the unused object %s; the sweeper will", stored.key, exc_info=True)
