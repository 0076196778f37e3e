"""Scrub: re-read every stored original, recompute its SHA-256, and record what no longer matches.

Objects are content addressed and may back several items; each object is
read once and a problem is recorded in the custody of every item that uses
it, so the item pages, the log and later bundles all show it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select, union_all
from sqlalchemy.orm import Session

from evidence.fixity import check, restore
from evidence.ingest import chunks_of
from evidence.stores import Store
from portal.models import CaseDocument, CustodyAction, DamagedObject, EvidenceItem
from portal.services import integrity


@dataclass(frozen=True)
class Problem:
    sha256: str
    outcome: str  # "mismatch" or "missing"
    evidence_ids: tuple[int, ...]
    found_sha256: str | None = None
    found_size: int | None = None


@dataclass
class ScrubReport:
    objects: int = 0
    bytes_read: int = 0
    problems: list[Problem] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    """Objects marked damaged earlier that now read intact."""

    @property
    def ok(self) -> int:
        return self.objects - len(self.problems)


def objects(session: Session) -> list[tuple[str, str, int]]:
    """Each stored original (of evidence or case documents) once: (sha256, key, size), smallest first
    so progress starts moving."""
    used = union_all(
        select(EvidenceItem.sha256, EvidenceItem.storage_key, EvidenceItem.size),
        select(CaseDocument.sha256, CaseDocument.storage_key, CaseDocument.size),
    ).subquery()
    rows = session.execute(
        select(used.c.sha256, func.min(used.c.storage_key), func.max(used.c.size))
        .group_by(used.c.sha256)
        .order_by(func.max(used.c.size))
    )
    return [(sha256, key, size) for sha256, key, size in rows]


def scrub(
    session: Session,
    store: Store,
    stored: list[tuple[str, str, int]],
    progress: Callable[[int], None] = lambda _n: None,
) -> ScrubReport:
    """Check each of ``stored`` (from :func:`objects`); ``progress`` is told the bytes each accounted for.

    Damage is recorded in custody and marked, so the next intact copy to
    arrive repairs it; a marked object found intact again is recorded so.
    """
    report = ScrubReport()
    marked = set(session.scalars(select(DamagedObject.sha256)))
    for sha256, key, size in stored:
        report.objects += 1
        damage = check(store, key, sha256, size)
        report.bytes_read += size if damage is None else damage.found_size or 0
        progress(size)
        if damage is not None:
            ids = integrity.damaged(session, sha256, damage, "scrub")
            report.problems.append(Problem(sha256, damage.outcome, tuple(ids), damage.found_sha256, damage.found_size))
        elif sha256 in marked:
            integrity.resolve(session, sha256, CustodyAction.VERIFIED, None, {"via": "scrub", "sha256": sha256})
            session.commit()
            report.restored.append(sha256)
    return report


@dataclass(frozen=True)
class Repair:
    sha256: str
    path: Path
    evidence_ids: tuple[int, ...]


def repair_from(session: Session, store: Store, folder: Path) -> tuple[list[Repair], list[str]]:
    """Repair each object marked damaged from a file under ``folder`` that has its SHA-256.

    Only files of a damaged object's size are hashed; a file's digest is
    checked again as it is written. Returns the repairs and the SHA-256 of
    the objects still damaged.
    """
    marked = set(session.scalars(select(DamagedObject.sha256)))
    sizes = set(
        session.scalars(
            select(EvidenceItem.size)
            .join(DamagedObject, DamagedObject.sha256 == EvidenceItem.sha256)
            .union(select(CaseDocument.size).join(DamagedObject, DamagedObject.sha256 == CaseDocument.sha256))
        )
    )
    repairs = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if not marked or path.stat().st_size not in sizes:
            continue
        sha256 = _sha256_of(path)
        if sha256 not in marked:
            continue
        with path.open("rb") as handle:
            restore(store, sha256, chunks_of(handle))
        ids = integrity.resolve(session, sha256, CustodyAction.REPAIRED, None, {"via": "operator", "file": path.name})
        session.commit()
        marked.discard(sha256)
        repairs.append(Repair(sha256, path, tuple(ids)))
    return repairs, sorted(marked)


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in chunks_of(handle):
            digest.update(chunk)
    return digest.hexdigest()
