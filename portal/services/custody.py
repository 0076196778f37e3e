"""Custody: one hash-chained record per act on an evidence item, each a leaf of the transparency log."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from evidence.custody import Entry, entry_hash
from evidence.records import custody_leaf
from portal.models import CustodyAction, CustodyEvent, EvidenceItem, User, utcnow
from portal.services import transparency


def record_custody(
    session: Session,
    item: EvidenceItem,
    action: CustodyAction,
    actor: User | None,
    outcome: str = "ok",
    details: dict[str, Any] | None = None,
) -> CustodyEvent:
    """Append one link to the item's custody chain and log it (the caller commits).

    Where one transaction records several items, lock them first with
    :func:`lock_items`, so that item locks are always taken before the log's.
    """
    if item.id is not None and session.bind is not None and session.bind.dialect.name == "postgresql":
        # Serialise appends to one item's chain across workers.
        session.refresh(item, with_for_update=True)
    event = CustodyEvent(
        evidence_id=item.id,
        seq=item.custody_length + 1,
        action=action,
        actor_id=actor.id if actor else None,
        at=utcnow(),
        outcome=outcome,
        details=details or {},
        prev_hash=item.custody_head,
    )
    event.hash = entry_hash(event.prev_hash, event.seq, event.record())
    item.custody_head = event.hash
    item.custody_length = event.seq
    session.add(event)
    session.flush()
    leaf = custody_leaf(item.id, Entry(event.seq, event.record(), event.prev_hash, event.hash))
    transparency.append(session, "custody", leaf, evidence_id=item.id, custody_event_id=event.id)
    return event


def lock_items(session: Session, ids: Iterable[int]) -> list[EvidenceItem]:
    """Lock items in id order before recording custody on several of them at once."""
    query = select(EvidenceItem).where(EvidenceItem.id.in_(list(ids))).order_by(EvidenceItem.id)
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        query = query.with_for_update()
    return list(session.scalars(query))
