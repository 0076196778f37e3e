"""Related evidence across complaints, for staff only: what matches, clusters, the threshold.

Pages read the pairs :mod:`portal.services.matching` records in
``evidence_matches``, so a match is visible to every web worker as soon as
``portal worker`` commits it; the administrator's threshold only filters them.
Clusters are read from those :mod:`portal.services.clusters` keeps.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session, joinedload, load_only, selectinload

from evidence.fingerprints import MAX_THRESHOLD
from portal.models import (
    Case,
    Complaint,
    ComplaintStatus,
    EvidenceCluster,
    EvidenceFrame,
    EvidenceItem,
    EvidenceMatch,
    Organisation,
    Setting,
    User,
    utcnow,
)
from portal.services import clusters as clusters_service
from portal.services import paging, review
from portal.services.access import ADMINS, REVIEWERS, get_case, get_complaint, require_role
from portal.services.errors import Conflict, Invalid, translatable
from portal.services.paging import Count, KeyPage, Position

ADMINS_ONLY = translatable("Only an administrator sets the match threshold.")
# What the panels and clusters show of each item, its complaint and rights holder, loaded with it rather than
# item by item, and no more of them than that (not the digests, file facts or metadata an item records).
_SHOWN = (
    load_only(
        EvidenceItem.id,
        EvidenceItem.complaint_id,
        EvidenceItem.org_id,
        EvidenceItem.cluster_id,
        EvidenceItem.filename,
        EvidenceItem.sha256,
        EvidenceItem.media_type,
        EvidenceItem.thumbnail_key,
    ),
    # Which pictures an item has, not their fingerprints.
    selectinload(EvidenceItem.frames).load_only(EvidenceFrame.number, EvidenceFrame.at_seconds),
    # Whole: the page shows more of the complaint's own organisation, which this may load first.
    joinedload(EvidenceItem.organisation),
    joinedload(EvidenceItem.complaint)
    .load_only(Complaint.id, Complaint.status, Complaint.case_id)
    .joinedload(Complaint.case)
    .load_only(Case.id, Case.case_number),
)


# --- the threshold ------------------------------------------------------------------------------


def set_threshold(session: Session, actor: User, value: int) -> int:
    """A new threshold for what counts as the same picture; the clusters are rebuilt for it at once."""
    require_role(actor, ADMINS, ADMINS_ONLY)
    if not 0 <= value <= MAX_THRESHOLD:
        raise Invalid(
            "The threshold must be between 0 and %(most)s bits.",
            {"threshold": "Out of range."},
            most=MAX_THRESHOLD,
        )
    setting = session.get(Setting, clusters_service.THRESHOLD) or Setting(name=clusters_service.THRESHOLD)
    setting.value, setting.updated_at, setting.updated_by_id = value, utcnow(), actor.id
    session.add(setting)
    session.flush()
    clusters_service.rebuild(session)
    session.commit()
    return value


@dataclass(frozen=True)
class TradeOff:
    threshold: int
    pairs: int
    """Pairs of items in different complaints that would be shown as matching."""
    complaints: int
    """Complaints that would show related evidence."""


def trade_offs(session: Session, actor: User) -> list[TradeOff]:
    """What each threshold would show on the evidence now on file."""
    require_role(actor, ADMINS, ADMINS_ONLY)
    rows = session.execute(_pairs_across_complaints())
    by_distance: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for _left, _right, distance, left_complaint, right_complaint in rows:
        by_distance[distance].append((left_complaint, right_complaint))
    result, pairs, complaints = [], 0, set[int]()
    for bits in range(MAX_THRESHOLD + 1):
        for pair in by_distance.get(bits, []):
            pairs += 1
            complaints.update(pair)
        result.append(TradeOff(bits, pairs, len(complaints)))
    return result


# --- what staff see -------------------------------------------------------------------------------


def _pairs_across_complaints() -> Select[int, int, int, int, int]:
    """Matched pairs whose items belong to two different filed complaints, with those complaints."""
    left, right = EvidenceItem.__table__.alias("left_item"), EvidenceItem.__table__.alias("right_item")
    left_complaint = Complaint.__table__.alias("left_complaint")
    right_complaint = Complaint.__table__.alias("right_complaint")
    return (
        select(
            EvidenceMatch.left_id,
            EvidenceMatch.right_id,
            EvidenceMatch.distance,
            left.c.complaint_id,
            right.c.complaint_id,
        )
        .join(left, left.c.id == EvidenceMatch.left_id)
        .join(right, right.c.id == EvidenceMatch.right_id)
        .join(left_complaint, left_complaint.c.id == left.c.complaint_id)
        .join(right_complaint, right_complaint.c.id == right.c.complaint_id)
        .where(
            left.c.complaint_id != right.c.complaint_id,
            left_complaint.c.status != ComplaintStatus.DRAFT.value,
            right_complaint.c.status != ComplaintStatus.DRAFT.value,
        )
    )


@dataclass(frozen=True)
class Related:
    item: EvidenceItem
    """The item of this complaint (or case)."""
    other: EvidenceItem
    distance: int | None
    """Bits apart at the closest frames; None when the files are identical (same SHA-256)."""
    frame: int = 1
    other_frame: int = 1

    @property
    def identical(self) -> bool:
        return self.distance is None

    @property
    def strength(self) -> int:
        """Per cent of the 64 bits that agree."""
        return 100 if self.distance is None else round(100 * (64 - self.distance) / 64)


def related_to(session: Session, actor: User, complaint_id: int, evidence_id: int | None = None) -> list[Related]:
    """Evidence in other filed complaints showing what this complaint's evidence (or one item of it) shows."""
    require_role(actor, REVIEWERS)
    complaint = get_complaint(session, actor, complaint_id)
    return _related(session, [complaint.id], evidence_id)


def related_to_case(session: Session, actor: User, case_id: int) -> list[Related]:
    """Evidence outside the case showing what the case's complaints' evidence shows."""
    require_role(actor, REVIEWERS)
    case = get_case(session, actor, case_id)
    return _related(session, [c.id for c in case.complaints])


def _related(session: Session, complaint_ids: list[int], evidence_id: int | None = None) -> list[Related]:
    if not complaint_ids:
        return []
    # Only the ids and digests of the complaints' own items at first: a complaint may hold hundreds, and only
    # those that something relates to are loaded to be shown.
    query = select(EvidenceItem.id, EvidenceItem.sha256).where(EvidenceItem.complaint_id.in_(complaint_ids))
    if evidence_id is not None:
        query = query.where(EvidenceItem.id == evidence_id)
    by_sha: dict[str, list[int]] = defaultdict(list)
    for item_id, sha256 in session.execute(query):
        by_sha[sha256].append(item_id)
    if not by_sha:
        return []
    own = {item_id for ids in by_sha.values() for item_id in ids}
    elsewhere = and_(
        EvidenceItem.complaint_id.is_not(None),
        EvidenceItem.complaint_id.not_in(complaint_ids),
        EvidenceItem.complaint.has(Complaint.status != ComplaintStatus.DRAFT),
    )
    # (own item, other item, bits apart or None when identical, own frame, other frame)
    found: list[tuple[int, int, int | None, int, int]] = []
    same_files = select(EvidenceItem).where(EvidenceItem.sha256.in_(list(by_sha)), elsewhere).options(*_SHOWN)
    others = {other.id: other for other in session.scalars(same_files)}
    for other in others.values():
        found.extend((item_id, other.id, None, 1, 1) for item_id in by_sha[other.sha256])
    identical = {(item_id, other_id) for item_id, other_id, *_ in found}
    bits = clusters_service.threshold(session)
    pairs = session.execute(
        select(EvidenceMatch).where(
            EvidenceMatch.distance <= bits,
            or_(EvidenceMatch.left_id.in_(list(own)), EvidenceMatch.right_id.in_(list(own))),
        )
    ).scalars()
    near: list[tuple[int, int, int | None, int, int]] = []
    for pair in pairs:
        if pair.left_id in own:
            near.append((pair.left_id, pair.right_id, pair.distance, pair.left_frame, pair.right_frame))
        if pair.right_id in own:
            near.append((pair.right_id, pair.left_id, pair.distance, pair.right_frame, pair.left_frame))
    # The near items elsewhere and the own items shown beside them or beside identical files, in one query.
    near_others = {other for _, other, *_ in near if other not in others and other not in own}
    shown_own = {item_id for item_id, *_ in found} | {item_id for item_id, *_ in near}
    loaded = _items(session, near_others | shown_own, or_(EvidenceItem.id.in_(list(shown_own)), elsewhere))
    others |= {i: item for i, item in loaded.items() if i in near_others}
    found.extend(n for n in near if n[1] in others and (n[0], n[1]) not in identical)
    result = [Related(loaded[a], others[b], bits_apart, f, g) for a, b, bits_apart, f, g in found]
    return sorted(result, key=lambda r: (r.item.id, r.distance if r.distance is not None else -1, r.other.id))


def _items(session: Session, ids: Iterable[int], where: ColumnElement[bool] | None = None) -> dict[int, EvidenceItem]:
    wanted = list(set(ids))
    if not wanted:
        return {}
    query = select(EvidenceItem).where(EvidenceItem.id.in_(wanted)).options(*_SHOWN)
    return {i.id: i for i in session.scalars(query if where is None else query.where(where))}


# --- clusters -------------------------------------------------------------------------------------


ITEMS_SHOWN = 12
COMPLAINTS_SHOWN = 30
PER_PAGE = 10
"""Clusters on a page of the list; each brings up to 42 rows of items and complaints."""


@dataclass
class Cluster:
    """A cluster as a page shows it: its counts, and the first of its items and complaints."""

    id: int
    item_count: int
    complaint_count: int
    closest: int | None
    """Bits apart of the closest pair that is not identical; None if all are identical."""
    items: list[EvidenceItem] = field(default_factory=list)
    """The :data:`ITEMS_SHOWN` filed first."""
    complaints: list[Complaint] = field(default_factory=list)
    """The :data:`COMPLAINTS_SHOWN` submitted first."""

    @cached_property
    def cases(self) -> list[Case]:
        seen = {c.case.id: c.case for c in self.complaints if c.case is not None}
        return sorted(seen.values(), key=lambda c: c.id)

    @cached_property
    def open_complaints(self) -> list[Complaint]:
        """Complaints that could still be linked into a case."""
        return [c for c in self.complaints if c.case_id is None and c.status is not ComplaintStatus.DECLINED]


@dataclass(frozen=True)
class Clusters:
    page: KeyPage[Cluster]
    total: Count


def clusters(session: Session, actor: User, position: Position | None = None, limit: int = PER_PAGE) -> Clusters:
    """Groups of evidence across complaints that show the same picture, most complaints first, a page at a time.

    Read from the clusters :mod:`portal.services.clusters` keeps; each shows
    its first items and complaints, loaded for the whole page at once.
    """
    require_role(actor, REVIEWERS)
    spanning = select(EvidenceCluster).where(EvidenceCluster.complaints > 1)
    page = paging.by_key(session, spanning, EvidenceCluster.complaints, EvidenceCluster.id, position, limit)
    shown = {c.id: Cluster(c.id, c.items, c.complaints, c.closest) for c in page.items}
    if shown:
        first = func.row_number().over(partition_by=EvidenceItem.cluster_id, order_by=EvidenceItem.id)
        ranked = select(EvidenceItem.id, first.label("rank")).where(EvidenceItem.cluster_id.in_(shown)).subquery()
        items = select(EvidenceItem).join(ranked, ranked.c.id == EvidenceItem.id).where(ranked.c.rank <= ITEMS_SHOWN)
        for item in session.scalars(items.order_by(EvidenceItem.id).options(*_SHOWN)):
            assert item.cluster_id is not None
            shown[item.cluster_id].items.append(item)
        named = (
            select(EvidenceItem.cluster_id, EvidenceItem.complaint_id)
            .where(EvidenceItem.cluster_id.in_(shown))
            .distinct()
            .subquery()
        )
        order = func.row_number().over(partition_by=named.c.cluster_id, order_by=named.c.complaint_id)
        ranked_complaints = select(named.c.cluster_id, named.c.complaint_id, order.label("rank")).subquery()
        for cluster_id, complaint in session.execute(
            select(ranked_complaints.c.cluster_id, Complaint)
            .join(Complaint, Complaint.id == ranked_complaints.c.complaint_id)
            .where(ranked_complaints.c.rank <= COMPLAINTS_SHOWN)
            .order_by(ranked_complaints.c.cluster_id, Complaint.id)
            .options(
                load_only(Complaint.id, Complaint.title, Complaint.status, Complaint.org_id, Complaint.case_id),
                joinedload(Complaint.organisation).load_only(
                    Organisation.id, Organisation.legal_name, Organisation.country
                ),
                joinedload(Complaint.case).load_only(Case.id, Case.case_number),
            )
        ):
            shown[cluster_id].complaints.append(complaint)
    total = paging.count_up_to(session, spanning.with_only_columns(EvidenceCluster.id))
    return Clusters(KeyPage(list(shown.values()), page.next, page.previous), total)


def link_into_case(session: Session, actor: User, complaint_ids: list[int], case_id: int) -> Case:
    """Accept open complaints of a cluster into one case, as a decision on each."""
    require_role(actor, REVIEWERS)
    if not complaint_ids:
        raise Invalid("Choose the complaints to link.", {"complaint_ids": "Choose at least one."})
    case = get_case(session, actor, case_id)
    chosen = [get_complaint(session, actor, complaint_id) for complaint_id in sorted(set(complaint_ids))]
    closed = [c.reference for c in chosen if c.status not in review.OPEN]
    if closed:
        raise Conflict(
            "Only open complaints can be linked; %(references)s already decided.", references=", ".join(closed)
        )
    for complaint in chosen:
        review.decide(session, actor, complaint.id, review.Decision("accept", case_id=case.id))
    return case
