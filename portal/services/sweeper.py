"""The sweeper: removes what no row uses from the evidence store, once it is older than the grace period.

Orphans are left by uploads cut off between the store and the database (a
worker killed, an outage): an object at its content address whose row never
committed, a staged upload, an unfinished S3 multipart upload, a preview of
an item that never was, the bytes of a resumable upload whose row is gone.
An object younger than the grace period may belong to an upload still on its
way and is never touched; an object is removed only under its lock
(:func:`portal.services.integrity.hold`), after its rows were looked up under
the same lock, so an upload that is making a row use it either commits first
(and the object stays) or finds it gone and fails cleanly.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import chain, islice

from sqlalchemy.orm import Session

from evidence.errors import ObjectLocked, StoreUnavailable
from evidence.stores import Listed, Store, partial_name
from portal.services import batches, integrity, resumable_uploads

# The SHA-256 of the original an object belongs to; anything else under objects/ or derived/ is a leftover.
_ADDRESSED = re.compile(
    r"objects/[0-9a-f]{2}/[0-9a-f]{2}/([0-9a-f]{64})|derived/([0-9a-f]{64})/[a-z0-9-]{1,40}\.(?:jpg|png|webp)"
)
BATCH = 100


@dataclass
class SweepReport:
    examined: int = 0
    young: int = 0
    used: int = 0
    removed: list[Listed] = field(default_factory=list)
    locked: list[tuple[Listed, str]] = field(default_factory=list)
    """Orphans that Object Lock retains, with until when."""
    failed: list[tuple[Listed, str]] = field(default_factory=list)


def sweep(
    session: Session,
    store: Store,
    grace: timedelta,
    now: datetime | None = None,
    on_removed: Callable[[Listed], None] = lambda _found: None,
) -> SweepReport:
    """Remove every object, staged upload and unfinished multipart upload that no row uses and that
    is older than ``grace``; report what was removed, retained by Object Lock, or failed."""
    cutoff = (now or datetime.now(UTC)) - grace
    report = SweepReport()

    def old(found: Iterable[Listed]) -> Iterator[Listed]:
        for entry in found:
            report.examined += 1
            if entry.modified > cutoff:
                report.young += 1
            else:
                yield entry

    for area in ("objects", "derived"):
        leftovers = old(store.listing(area))
        while batch := list(islice(leftovers, BATCH)):
            _sweep_addressed(session, store, batch, report, on_removed)
    # Nothing ever uses a staged upload once it has finished: only age protects one still arriving, and a
    # resumable upload's row (or a batch's, for its ZIP) protects its bytes until it expires, however long it waits.
    staged = chain(old(store.listing("staging")), old(store.unfinished_uploads()))
    while batch := list(islice(staged, BATCH)):
        names = {name for e in batch if (name := partial_name(e.key))}
        live = resumable_uploads.live(session, names) | batches.live(session, names)
        for entry in batch:
            if partial_name(entry.key) in live:
                report.used += 1
            else:
                _remove(store, entry, report, on_removed)
    return report


def _sweep_addressed(
    session: Session, store: Store, batch: list[Listed], report: SweepReport, on_removed: Callable[[Listed], None]
) -> None:
    """Remove those of ``batch`` whose SHA-256 no row uses, holding their locks meanwhile."""
    owners = {
        entry.key: match.group(1) or match.group(2) for entry in batch if (match := _ADDRESSED.fullmatch(entry.key))
    }
    for sha256 in sorted(set(owners.values())):  # one order everywhere: no deadlock between sweepers
        integrity.hold(session, sha256)
    used = integrity.users_of(session, set(owners.values()))
    try:
        for entry in batch:
            if owners.get(entry.key) in used:
                report.used += 1
            else:
                _remove(store, entry, report, on_removed)
    finally:
        session.commit()


def _remove(store: Store, entry: Listed, report: SweepReport, on_removed: Callable[[Listed], None]) -> None:
    try:
        store.remove(entry)
    except ObjectLocked as exc:
        report.locked.append((entry, exc.until))
        return
    except StoreUnavailable as exc:
        report.failed.append((entry, exc.detail))
        return
    report.removed.append(entry)
    on_removed(entry)
