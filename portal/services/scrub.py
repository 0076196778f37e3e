"""Scrub: re-read every stored original, recompute its SHA-256, and record what no longer matches.

Objects are content addressed and may back several items; each object is
read once and a problem is recorded in the custody of every item that uses
it, so the item pages, the log and later bundles all show it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from evidence.errors import ObjectMissing
from evidence.ingest import rehash
from evidence.stores import Store
from portal.models import CustodyAction, EvidenceItem
from portal.services.evidence import lock_items, record_custody


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

    @property
    def ok(self) -> int:
        return self.objects - len(self.problems)


def objects(session: Session) -> list[tuple[str, str, int]]:
    """Each stored original once: (sha256, key, size), smallest first so progress starts moving."""
    rows = session.execute(
        select(EvidenceItem.sha256, func.min(EvidenceItem.storage_key), func.max(EvidenceItem.size))
        .group_by(EvidenceItem.sha256)
        .order_by(func.max(EvidenceItem.size))
    )
    return [(sha256, key, size) for sha256, key, size in rows]


def scrub(
    session: Session,
    store: Store,
    stored: list[tuple[str, str, int]],
    progress: Callable[[int], None] = lambda _n: None,
) -> ScrubReport:
    """Check each of ``stored`` (from :func:`objects`); ``progress`` is told the bytes each accounted for."""
    report = ScrubReport()
    for sha256, key, size in stored:
        report.objects += 1
        try:
            found, found_size = rehash(store, key)
            report.bytes_read += found_size
            problem = None if found == sha256 else Problem(sha256, "mismatch", (), found, found_size)
        except ObjectMissing:
            problem = Problem(sha256, "missing", ())
        progress(size)
        if problem is not None:
            report.problems.append(_record(session, problem))
    return report


def _record(session: Session, problem: Problem) -> Problem:
    ids = list(session.scalars(select(EvidenceItem.id).where(EvidenceItem.sha256 == problem.sha256)))
    for item in lock_items(session, ids):
        record_custody(
            session,
            item,
            CustodyAction.VERIFIED,
            None,
            outcome=problem.outcome,
            details={"via": "scrub", "sha256": problem.found_sha256, "size": problem.found_size},
        )
    session.commit()
    return Problem(problem.sha256, problem.outcome, tuple(ids), problem.found_sha256, problem.found_size)
