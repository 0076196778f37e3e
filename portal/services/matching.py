"""Analysis and matching of new evidence, done by ``portal worker``.

Each new item is analysed (previews, metadata read from the file, one
fingerprint per picture) and then matched against every picture already on
file; each pair of items within :data:`~evidence.fingerprints.MAX_THRESHOLD`
bits is recorded in ``evidence_matches``. The Hamming index lives in the
worker and is rebuilt from ``evidence_frames`` when it starts. Web workers
never import this module, nor the image libraries and NumPy it brings.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from evidence import media
from evidence.errors import ImageRefused, ObjectMissing, StoreUnavailable
from evidence.fingerprints import MAX_THRESHOLD, Fingerprint
from evidence.matcher import Matcher
from evidence.stores import Store, derived_key
from portal.models import EvidenceFrame, EvidenceItem, EvidenceMatch, utcnow
from portal.models.evidence import WAITING_FOR_ANALYSIS, WAITING_FOR_MATCHING
from portal.services import clusters

LEASE = timedelta(minutes=10)
ROUND = 4
"""Items one round of the worker analyses: a few, so that deliveries and reminders never wait long."""


def claim_analysis(session: Session, limit: int, now: datetime | None = None) -> list[int]:
    """Lease up to ``limit`` items waiting for analysis; a worker that dies gives them back after LEASE."""
    now = now or utcnow()
    free = or_(EvidenceItem.analysis_started_at.is_(None), EvidenceItem.analysis_started_at < now - LEASE)
    waiting = (
        select(EvidenceItem.id)
        .where(WAITING_FOR_ANALYSIS, free)
        .order_by(EvidenceItem.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    ids = list(session.scalars(waiting))
    if not ids:
        session.rollback()
        return []
    claimed = sorted(
        session.scalars(
            update(EvidenceItem)
            .where(EvidenceItem.id.in_(ids), EvidenceItem.analysed_at.is_(None), free)
            .values(analysis_started_at=now)
            .returning(EvidenceItem.id)
        )
    )
    session.commit()
    return claimed


def analyse(session: Session, store: Store, item_id: int) -> EvidenceItem:
    """Previews, metadata and fingerprints of one item, read from a copy of the stored object."""
    item = session.get_one(EvidenceItem, item_id)
    with tempfile.TemporaryDirectory(prefix="analyse-") as scratch:
        original = Path(scratch) / "original"
        previews = Path(scratch) / "previews"
        previews.mkdir()
        try:
            with original.open("wb") as copy:
                for chunk in store.read(item.storage_key):
                    copy.write(chunk)
            facts = media.analyse(original, item.media_type, previews)
        except (ObjectMissing, ImageRefused) as exc:
            item.analysis_error = str(exc)[:300]
            item.analysed_at = item.matched_at = utcnow()
            session.commit()
            return item
        for frame in facts.frames:
            key = derived_key(item.sha256, frame.preview.name)
            store.put_derived(key, frame.preview.read_bytes(), "image/jpeg")
            session.add(
                EvidenceFrame(
                    evidence_id=item.id,
                    number=frame.number,
                    at_seconds=frame.at_seconds,
                    preview_key=key,
                    full_code=_signed(frame.fingerprint.full),
                    centre_code=_signed(frame.fingerprint.centre),
                    probe_codes=b"".join(p.to_bytes(8, "big") for p in frame.fingerprint.probes),
                )
            )
    item.media_meta = facts.meta
    item.analysis_error = None
    item.analysed_at = utcnow()
    session.commit()
    return item


def _signed(code: int) -> int:
    return code - (1 << 64) if code >= 1 << 63 else code


def fingerprint_of(frame: EvidenceFrame) -> Fingerprint:
    return _fingerprint(frame.full_code, frame.centre_code, frame.probe_codes)


def _fingerprint(full: int, centre: int, probes: bytes) -> Fingerprint:
    return Fingerprint(
        full & 0xFFFF_FFFF_FFFF_FFFF,
        centre & 0xFFFF_FFFF_FFFF_FFFF,
        tuple(int.from_bytes(probes[i : i + 8], "big") for i in range(0, len(probes), 8)),
    )


class FrameIndex:
    """Every stored frame's fingerprint, in memory, kept up to date from the database.

    Frames are only ever added, so catching up is reading the rows past the last id seen.
    """

    def __init__(self) -> None:
        self._matcher = Matcher()
        self._last_id = 0
        self._frame_ids = np.empty(0, dtype=np.int64)
        self._items = np.empty(0, dtype=np.int64)
        self._numbers = np.empty(0, dtype=np.int32)

    def __len__(self) -> int:
        return len(self._frame_ids)

    def sync(self, session: Session, batch: int = 50_000) -> int:
        """Load frames committed since the last call; returns how many."""
        f = EvidenceFrame
        loaded = 0
        while True:
            rows = session.execute(
                select(f.id, f.evidence_id, f.number, f.full_code, f.centre_code, f.probe_codes)
                .where(f.id > self._last_id)
                .order_by(f.id)
                .limit(batch)
            ).all()
            if not rows:
                return loaded
            ids, items, numbers, fulls, centres, probes = zip(*rows, strict=True)
            self._matcher.add(list(ids), [_fingerprint(*codes) for codes in zip(fulls, centres, probes, strict=True)])
            self._frame_ids = np.concatenate([self._frame_ids, ids])
            self._items = np.concatenate([self._items, items])
            self._numbers = np.concatenate([self._numbers, numbers])
            self._last_id = ids[-1]
            loaded += len(rows)

    def search(self, frame: EvidenceFrame, bits: int) -> list[tuple[int, int, int]]:
        """(item, frame number, distance) of every other item's frame within ``bits``."""
        found = self._matcher.search(fingerprint_of(frame), bits)
        if not found:
            return []
        refs = np.fromiter(found.keys(), dtype=np.int64)
        at = np.searchsorted(self._frame_ids, refs)
        return [
            (int(self._items[i]), int(self._numbers[i]), found[int(ref)])
            for ref, i in zip(refs.tolist(), at.tolist(), strict=True)
            if int(self._items[i]) != frame.evidence_id
        ]


def claim_matching(session: Session, limit: int) -> list[int]:
    waiting = select(EvidenceItem.id).where(WAITING_FOR_MATCHING).order_by(EvidenceItem.id).limit(limit)
    return list(session.scalars(waiting))


def match(session: Session, index: FrameIndex, item_id: int) -> int:
    """Record the item's matches with every other item on file; returns how many pairs.

    The index is caught up first, so an item analysed by another worker at the
    same moment is found from one side or the other; the pair is written with
    an upsert, so finding it from both sides is harmless.
    """
    index.sync(session)
    # Claiming and recording happen in one transaction: a second worker waits, then finds it done.
    claimed = session.execute(
        update(EvidenceItem)
        .where(EvidenceItem.id == item_id, EvidenceItem.matched_at.is_(None))
        .values(matched_at=utcnow())
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        return 0
    best: dict[int, tuple[int, int, int]] = {}
    for frame in session.scalars(select(EvidenceFrame).where(EvidenceFrame.evidence_id == item_id)):
        for other, number, distance in index.search(frame, MAX_THRESHOLD):
            if other not in best or distance < best[other][0]:
                best[other] = (distance, frame.number, number)
    for other, (distance, mine, theirs) in best.items():
        _record_pair(session, item_id, mine, other, theirs, distance)
    clusters.join_item(session, item_id)
    session.commit()
    return len(best)


def _record_pair(session: Session, item: int, frame: int, other: int, other_frame: int, distance: int) -> None:
    left, right, left_frame, right_frame = (
        (item, other, frame, other_frame) if item < other else (other, item, other_frame, frame)
    )
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(EvidenceMatch).values(
        left_id=left,
        right_id=right,
        distance=distance,
        left_frame=left_frame,
        right_frame=right_frame,
        found_at=utcnow(),
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[EvidenceMatch.left_id, EvidenceMatch.right_id],
            set_={
                "distance": statement.excluded.distance,
                "left_frame": statement.excluded.left_frame,
                "right_frame": statement.excluded.right_frame,
            },
            where=EvidenceMatch.distance > statement.excluded.distance,
        )
    )


@dataclass
class Round:
    analysed: int = 0
    matched: int = 0
    pairs: int = 0


def process_pending(session: Session, store: Store, index: FrameIndex, limit: int = ROUND) -> Round:
    """One round of the worker: analyse waiting items and match each at once, then any analysed elsewhere.

    ``index`` is the worker's own, kept for its lifetime: built from the
    database at the first round, then caught up at each match. A store that
    does not answer leaves the item to a later round (its lease runs out).
    """
    done = Round()
    for item_id in claim_analysis(session, limit):
        try:
            analyse(session, store, item_id)
        except StoreUnavailable:
            session.rollback()
            continue
        done.analysed += 1
        done.pairs += match(session, index, item_id)
        done.matched += 1
    for item_id in claim_matching(session, limit * 10):
        done.pairs += match(session, index, item_id)
        done.matched += 1
    return done
