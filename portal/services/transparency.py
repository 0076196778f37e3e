"""The transparency log in the database: appends, checkpoints and proofs.

Every receipt and custody event becomes a leaf in the same transaction as
the row it records, so a committed act is always logged and a rolled-back
one never is. Appenders first increment the single ``log_head`` row; that
row lock (PostgreSQL) or the write lock (SQLite) serialises them, so indexes
are dense and unique however many workers append at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from evidence import tlog
from evidence.checkpoint import Checkpoint
from evidence.merkle import leaf_hash
from evidence.proofs import TlogProof
from evidence.signed_note import Signer
from portal.models import LogCheckpoint, LogEntry, LogHead, LogNode
from portal.services.errors import Invalid

HEAD_ID = 1


def reader(session: Session) -> tlog.ReadNodes:
    def read(wanted: Iterable[tlog.Node]) -> Mapping[tlog.Node, bytes]:
        by_level: dict[int, list[int]] = {}
        for level, index in wanted:
            by_level.setdefault(level, []).append(index)
        # One lookup per level, OR-ed: each is a primary-key range the database can seek,
        # where a row-value IN list makes SQLite scan the table.
        found: dict[tlog.Node, bytes] = {}
        if by_level:
            rows = session.execute(
                select(LogNode.level, LogNode.index, LogNode.hash).where(
                    or_(*(and_(LogNode.level == level, LogNode.index.in_(ids)) for level, ids in by_level.items()))
                )
            )
            found = {(level, index): node for level, index, node in rows}
        missing = {(level, index) for level, ids in by_level.items() for index in ids} - found.keys()
        if missing:
            raise RuntimeError(f"the log is missing stored nodes {sorted(missing)[:3]}")
        return found

    return read


def append(
    session: Session, kind: str, data: bytes, *, evidence_id: int | None = None, custody_event_id: int | None = None
) -> LogEntry:
    """Add one leaf (the caller commits, with the row the leaf records)."""
    size = session.execute(
        update(LogHead).where(LogHead.id == HEAD_ID).values(size=LogHead.size + 1).returning(LogHead.size)
    ).scalar_one()
    index = size - 1
    leaf = leaf_hash(data)
    nodes = tlog.append(index, leaf, reader(session))
    session.add_all(LogNode(level=level, index=node_index, hash=node) for level, node_index, node in nodes)
    entry = LogEntry(
        index=index,
        kind=kind,
        data=data,
        leaf_hash=leaf,
        evidence_id=evidence_id,
        custody_event_id=custody_event_id,
    )
    session.add(entry)
    return entry


def lock(session: Session) -> None:
    """Hold the log's head row until commit: appends and other lockers wait."""
    session.execute(update(LogHead).where(LogHead.id == HEAD_ID).values(size=LogHead.size))


def size(session: Session) -> int:
    return session.execute(select(LogHead.size).where(LogHead.id == HEAD_ID)).scalar_one()


def latest_checkpoint(session: Session) -> LogCheckpoint | None:
    return session.scalars(select(LogCheckpoint).order_by(LogCheckpoint.size.desc()).limit(1)).first()


def make_checkpoint(
    session: Session, signers: list[Signer], origin: str, timestamp: Callable[[bytes], bytes | None]
) -> LogCheckpoint | None:
    """Sign the log as it is now, unless the latest checkpoint already covers it.

    No lock is held while the TSA is asked, so uploads never wait for it.
    """
    current = size(session)
    latest = latest_checkpoint(session)
    if current == 0 or (latest is not None and latest.size >= current):
        return None
    root = tlog.root(current, reader(session))
    note = Checkpoint(origin, current, root).signed(*signers)
    # A checkpoint without a token stands on its signature; old ones are not stamped later.
    token = timestamp(note.encode())
    checkpoint = LogCheckpoint(size=current, root_hash=root, note=note, timestamp_token=token)
    session.add(checkpoint)
    try:
        session.commit()
    except IntegrityError:
        # Another worker signed this same size meanwhile; its checkpoint stands.
        session.rollback()
        return None
    return checkpoint


def _check_range(name: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise Invalid(f"{name} must be between {low} and {high}.", {name: f"Between {low} and {high}."})


def inclusion_proof(session: Session, index: int, tree_size: int) -> list[bytes]:
    current = size(session)
    _check_range("size", tree_size, 1, current)
    _check_range("index", index, 0, tree_size - 1)
    return tlog.inclusion_proof(index, tree_size, reader(session))


def consistency_proof(session: Session, old_size: int, new_size: int) -> list[bytes]:
    current = size(session)
    _check_range("to", new_size, 1, current)
    _check_range("from", old_size, 1, new_size)
    return tlog.consistency_proof(old_size, new_size, reader(session))


@dataclass(frozen=True)
class Proven:
    entry: LogEntry
    proof: TlogProof | None
    """None while the entry is newer than the latest checkpoint."""
    tree_size: int | None = None


def prove_all(session: Session, entries: Iterable[LogEntry], checkpoint: LogCheckpoint) -> dict[int, TlogProof]:
    """tlog-proofs of entries the checkpoint covers, by entry index; all nodes read in one query."""
    indexes = [entry.index for entry in entries if entry.index < checkpoint.size]
    proofs = tlog.inclusion_proofs(indexes, checkpoint.size, reader(session))
    return {index: TlogProof(index, tuple(hashes), checkpoint.note) for index, hashes in proofs.items()}


def prove(session: Session, entry: LogEntry, checkpoint: LogCheckpoint | None) -> Proven:
    """The entry's tlog-proof against ``checkpoint``, if that checkpoint covers it."""
    if checkpoint is None or entry.index >= checkpoint.size:
        return Proven(entry, None)
    hashes = tlog.inclusion_proof(entry.index, checkpoint.size, reader(session))
    return Proven(entry, TlogProof(entry.index, tuple(hashes), checkpoint.note), checkpoint.size)
