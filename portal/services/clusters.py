"""Clusters: groups of evidence across filed complaints that show the same picture, kept in the database.

An item belongs with another when the two are identical files (the same
SHA-256) or were matched within the administrator's threshold, and they
were filed in two different complaints. The groups this makes are kept as
they change rather than worked out on each view: ``portal worker`` joins an
item's matches as it records them, a submission joins the complaint's
items, an upload to a filed complaint joins identical files at once, and a
new threshold rebuilds them all. Each cluster keeps its counts (items,
filed complaints) and its closest pair that is not identical, so a page of
clusters is read from one index.

Joining takes a lock that serialises changes to clusters across workers
(PostgreSQL; SQLite serialises every write anyway).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, delete, func, null, select, text, update
from sqlalchemy.orm import Session, aliased

from evidence.fingerprints import DEFAULT_THRESHOLD
from portal.models import Complaint, ComplaintStatus, EvidenceCluster, EvidenceItem, EvidenceMatch, Setting, utcnow

THRESHOLD = "match_threshold"
BUILT_FOR = "clusters_built_for"
"""The setting that records the threshold the clusters were last rebuilt for."""
LOCK = 0x636C7573  # "clus": the advisory lock key on PostgreSQL

PairQuery = TypeVar("PairQuery", bound=Select)  # type: ignore[type-arg]
Pair = tuple[int, int, int | None]
"""Two items to join, and how many bits apart (None: identical files)."""


def threshold(session: Session) -> int:
    setting = session.get(Setting, THRESHOLD)
    return int(setting.value) if setting is not None else DEFAULT_THRESHOLD


def _lock(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK})


def _filed_pairs(session: Session, chosen: Callable[[Any], ColumnElement[bool]]) -> list[Pair]:
    """Pairs between the chosen items (of a filed complaint) and items of other filed complaints."""
    me, other = aliased(EvidenceItem), aliased(EvidenceItem)
    my_complaint, their_complaint = aliased(Complaint), aliased(Complaint)

    def filed(query: PairQuery) -> PairQuery:
        return (
            query.join(my_complaint, my_complaint.id == me.complaint_id)
            .join(their_complaint, their_complaint.id == other.complaint_id)
            .where(
                chosen(me),
                my_complaint.status != ComplaintStatus.DRAFT,
                their_complaint.status != ComplaintStatus.DRAFT,
                other.complaint_id != me.complaint_id,
            )
        )

    bits = threshold(session)
    identical = filed(select(me.id, other.id, null()).join(other, other.sha256 == me.sha256))
    matched_left = filed(
        select(me.id, other.id, EvidenceMatch.distance)
        .join(EvidenceMatch, EvidenceMatch.left_id == me.id)
        .join(other, other.id == EvidenceMatch.right_id)
        .where(EvidenceMatch.distance <= bits)
    )
    matched_right = filed(
        select(me.id, other.id, EvidenceMatch.distance)
        .join(EvidenceMatch, EvidenceMatch.right_id == me.id)
        .join(other, other.id == EvidenceMatch.left_id)
        .where(EvidenceMatch.distance <= bits)
    )
    return [(a, b, d) for query in (identical, matched_left, matched_right) for a, b, d in session.execute(query)]


def join_complaint(session: Session, complaint_id: int) -> None:
    """A complaint was filed: join its items with what they show in other filed complaints (caller commits)."""
    _join(session, _filed_pairs(session, lambda me: me.complaint_id == complaint_id))


def join_item(session: Session, item_id: int) -> None:
    """An item was filed, or its matches recorded: join it with what it shows elsewhere (caller commits)."""
    _join(session, _filed_pairs(session, lambda me: me.id == item_id))


def _join(session: Session, pairs: list[Pair]) -> None:
    if not pairs:
        return
    _lock(session)
    ids = {item for a, b, _distance in pairs for item in (a, b)}
    found = session.execute(
        select(EvidenceItem.id, EvidenceItem.cluster_id, EvidenceItem.sha256).where(EvidenceItem.id.in_(ids))
    ).all()
    cluster_of = {item: cluster for item, cluster, _sha in found}
    sha_of = {item: sha for item, _cluster, sha in found}
    clusters = {
        c.id: c
        for c in session.scalars(
            select(EvidenceCluster).where(EvidenceCluster.id.in_({c for c in cluster_of.values() if c is not None}))
        )
    }
    touched: set[int] = set()
    for a, b, distance in pairs:
        kept = _union(session, a, b, cluster_of, clusters)
        if distance is not None and sha_of[a] != sha_of[b]:
            cluster = clusters[kept]
            cluster.closest = distance if cluster.closest is None else min(cluster.closest, distance)
        touched.add(kept)
    _recount(session, [clusters[c] for c in touched if c in clusters])


def _union(
    session: Session, a: int, b: int, cluster_of: dict[int, int | None], clusters: dict[int, EvidenceCluster]
) -> int:
    """Put ``a`` and ``b`` in one cluster, merging the smaller of theirs into the larger; returns its id."""
    first, second = cluster_of[a], cluster_of[b]
    if first is None and second is None:
        cluster = EvidenceCluster(items=0, complaints=0, closest=None, updated_at=utcnow())
        session.add(cluster)
        session.flush()
        clusters[cluster.id] = cluster
        _move(session, [a, b], cluster.id, cluster_of)
        return cluster.id
    if first is None or second is None:
        kept = first if first is not None else second
        assert kept is not None
        _move(session, [a if first is None else b], kept, cluster_of)
        return kept
    if first == second:
        return first
    kept, gone = (first, second) if clusters[first].items >= clusters[second].items else (second, first)
    session.execute(update(EvidenceItem).where(EvidenceItem.cluster_id == gone).values(cluster_id=kept))
    for item, member_of in cluster_of.items():
        if member_of == gone:
            cluster_of[item] = kept
    closest = [c for c in (clusters[kept].closest, clusters[gone].closest) if c is not None]
    clusters[kept].closest = min(closest) if closest else None
    clusters[kept].items += clusters[gone].items  # until recounted: which way the next merge goes
    session.delete(clusters.pop(gone))
    session.flush()
    return kept


def _move(session: Session, items: list[int], cluster_id: int, cluster_of: dict[int, int | None]) -> None:
    session.execute(update(EvidenceItem).where(EvidenceItem.id.in_(items)).values(cluster_id=cluster_id))
    for item in items:
        cluster_of[item] = cluster_id


def _recount(session: Session, changed: list[EvidenceCluster]) -> None:
    """Each cluster's items and filed complaints, counted over its own items (an index on the cluster id)."""
    if not changed:
        return
    members = select(func.count()).where(EvidenceItem.cluster_id == EvidenceCluster.id).scalar_subquery()
    complaints = (
        select(func.count(func.distinct(EvidenceItem.complaint_id)))
        .where(EvidenceItem.cluster_id == EvidenceCluster.id)
        .scalar_subquery()
    )
    session.execute(
        update(EvidenceCluster)
        .where(EvidenceCluster.id.in_([c.id for c in changed]))
        .values(items=members, complaints=complaints, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    for cluster in changed:
        session.expire(cluster)


def rebuild(session: Session) -> int:
    """Every cluster again, for the threshold now set (the caller commits); returns how many."""
    _lock(session)
    bits = threshold(session)
    left, right = aliased(EvidenceItem), aliased(EvidenceItem)
    left_complaint, right_complaint = aliased(Complaint), aliased(Complaint)
    pairs = session.execute(
        select(EvidenceMatch.left_id, EvidenceMatch.right_id, EvidenceMatch.distance, left.sha256, right.sha256)
        .join(left, left.id == EvidenceMatch.left_id)
        .join(right, right.id == EvidenceMatch.right_id)
        .join(left_complaint, left_complaint.id == left.complaint_id)
        .join(right_complaint, right_complaint.id == right.complaint_id)
        .where(
            EvidenceMatch.distance <= bits,
            left.complaint_id != right.complaint_id,
            left_complaint.status != ComplaintStatus.DRAFT,
            right_complaint.status != ComplaintStatus.DRAFT,
        )
    ).all()
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    closest: dict[int, int] = {}
    near: list[tuple[int, int]] = []
    for a, b, distance, sha_a, sha_b in pairs:
        parent[root(a)] = root(b)
        if sha_a != sha_b:
            near.append((a, distance))
    filed = EvidenceItem.complaint.has(Complaint.status != ComplaintStatus.DRAFT)
    shared = (
        select(EvidenceItem.sha256)
        .where(EvidenceItem.complaint_id.is_not(None), filed)
        .group_by(EvidenceItem.sha256)
        .having(func.count(func.distinct(EvidenceItem.complaint_id)) > 1)
    )
    first: dict[str, int] = {}
    for item_id, sha256 in session.execute(
        select(EvidenceItem.id, EvidenceItem.sha256).where(EvidenceItem.sha256.in_(shared), filed)
    ):
        parent[root(item_id)] = root(first.setdefault(sha256, item_id))
    for item, distance in near:
        top = root(item)
        closest[top] = min(distance, closest.get(top, distance))
    members: dict[int, list[int]] = defaultdict(list)
    for item in list(parent):
        members[root(item)].append(item)
    session.execute(update(EvidenceItem).where(EvidenceItem.cluster_id.is_not(None)).values(cluster_id=None))
    session.execute(delete(EvidenceCluster))
    made = []
    for top, items in members.items():
        cluster = EvidenceCluster(items=len(items), complaints=0, closest=closest.get(top), updated_at=utcnow())
        session.add(cluster)
        made.append((cluster, items))
    session.flush()
    assigned = [{"id": item, "cluster_id": cluster.id} for cluster, items in made for item in items]
    if assigned:
        session.execute(update(EvidenceItem), assigned)
    _recount(session, [cluster for cluster, _items in made])
    setting = session.get(Setting, BUILT_FOR) or Setting(name=BUILT_FOR)
    setting.value, setting.updated_at = bits, utcnow()
    session.add(setting)
    return len(made)


def rebuild_if_stale(session: Session) -> int | None:
    """Rebuild when the clusters were made for another threshold, or never (the worker asks at each round)."""
    built = session.get(Setting, BUILT_FOR)
    if built is not None and built.value == threshold(session):
        return None
    count = rebuild(session)
    session.commit()
    return count
