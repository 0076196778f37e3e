"""Clusters kept as evidence is filed and matched equal those worked out from scratch, whatever the order."""

from __future__ import annotations

import random
from collections import defaultdict

import pytest
from flask import Flask
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from evidence.custody import GENESIS
from portal.db import get_session
from portal.models import (
    Complaint,
    ComplaintStatus,
    EvidenceCluster,
    EvidenceItem,
    EvidenceKind,
    EvidenceMatch,
    utcnow,
)
from portal.services import clusters
from tests.factories import make_world


def partition(db: Session) -> tuple[set[frozenset[int]], set[tuple[int, int, int | None]]]:
    """The clusters as sets of items, and each cluster's (items, complaints, closest)."""
    members: dict[int, set[int]] = defaultdict(set)
    for item, cluster in db.execute(select(EvidenceItem.id, EvidenceItem.cluster_id)):
        if cluster is not None:
            members[cluster].add(item)
    counts = {(c.items, c.complaints, c.closest) for c in db.scalars(select(EvidenceCluster))}
    return {frozenset(m) for m in members.values()}, counts


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_clusters_kept_as_things_happen_equal_clusters_rebuilt(app: Flask, seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311 - a reproducible order of events
    world = make_world(app)
    with app.app_context():
        db = get_session()
        complaints = []
        for n in range(12):
            complaint = Complaint(org_id=world.holder_a.org_id, created_by_id=world.holder_a.id, title=f"C{n}")
            db.add(complaint)
            complaints.append(complaint)
        db.flush()
        shas = [f"{n:064x}" for n in range(30)]
        items = []
        for n in range(60):
            complaint = rng.choice(complaints)
            sha = rng.choice(shas[:8]) if rng.random() < 0.3 else f"{1000 + n:064x}"
            item = EvidenceItem(complaint_id=complaint.id, org_id=world.holder_a.org_id, sha256=sha, size=1,
                                media_type="image/png", storage_key=f"objects/{sha}", filename=f"{n}.png",
                                kind=EvidenceKind.PHOTO_OF_GOODS, uploaded_by_id=world.holder_a.id,
                                custody_head=GENESIS)  # fmt: skip
            db.add(item)
            items.append(item)
        db.commit()
        threshold = clusters.threshold(db)
        # Things happen in a random order: complaints are submitted, items uploaded to filed complaints,
        # and the worker records each item's matches with the items before it.
        events = [("submit", c.id) for c in complaints[:10]] + [("match", i.id) for i in items]
        rng.shuffle(events)
        matched: list[int] = []
        for kind, subject in events:
            if kind == "submit":
                db.execute(update(Complaint).where(Complaint.id == subject)
                           .values(status=ComplaintStatus.SUBMITTED, submitted_at=utcnow()))  # fmt: skip
                clusters.join_complaint(db, subject)
            else:
                for other in rng.sample(matched, min(len(matched), 2)):
                    left, right = sorted((subject, other))
                    distance = rng.randint(0, threshold + 4)  # some beyond the threshold, never joined
                    db.add(EvidenceMatch(left_id=left, right_id=right, distance=distance, left_frame=1,
                                         right_frame=1))  # fmt: skip
                db.flush()
                clusters.join_item(db, subject)
                matched.append(subject)
            db.commit()
        drafts = [c.id for c in complaints[10:]]
        kept = partition(db)
        clusters.rebuild(db)
        db.commit()
        rebuilt = partition(db)
        in_drafts = db.scalars(
            select(EvidenceItem.id).where(EvidenceItem.complaint_id.in_(drafts), EvidenceItem.cluster_id.is_not(None))
        )
        assert list(in_drafts) == []
    assert kept == rebuilt
    assert kept[0], "the random world made no cluster: a test of nothing"
