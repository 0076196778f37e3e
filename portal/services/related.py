"""Related evidence across complaints, for staff only: what matches, clusters, the threshold.

Pages read the pairs :mod:`portal.services.matching` records in
``evidence_matches``, so a match is visible to every web worker as soon as
``portal worker`` commits it; the administrator's threshold only filters them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from evidence.fingerprints import DEFAULT_THRESHOLD, MAX_THRESHOLD
from portal.models import (
    Case,
    Complaint,
    ComplaintStatus,
    EvidenceItem,
    EvidenceMatch,
    Setting,
    User,
    utcnow,
)
from portal.services import review
from portal.services.access import ADMINS, REVIEWERS, get_case, get_complaint, require_role
from portal.services.errors import Conflict, Invalid, translatable

THRESHOLD = "match_threshold"
ADMINS_ONLY = translatable("Only an administrator sets the match threshold.")
# What the panels and clusters show of each item, loaded with it rather than item by item.
_SHOWN = (
    selectinload(EvidenceItem.frames),
    joinedload(EvidenceItem.organisation),
    joinedload(EvidenceItem.complaint).joinedload(Complaint.case),
)


# --- the threshold ------------------------------------------------------------------------------


def threshold(session: Session) -> int:
    setting = session.get(Setting, THRESHOLD)
    return int(setting.value) if setting is not None else DEFAULT_THRESHOLD


def set_threshold(session: Session, actor: User, value: int) -> int:
    require_role(actor, ADMINS, ADMINS_ONLY)
    if not 0 <= value <= MAX_THRESHOLD:
        raise Invalid(
            "The threshold must be between 0 and %(most)s bits.",
            {"threshold": "Out of range."},
            most=MAX_THRESHOLD,
        )
    setting = session.get(Setting, THRESHOLD) or Setting(name=THRESHOLD)
    setting.value, setting.updated_at, setting.updated_by_id = value, utcnow(), actor.id
    session.add(setting)
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
    query = select(EvidenceItem).where(EvidenceItem.complaint_id.in_(complaint_ids))
    if evidence_id is not None:
        query = query.where(EvidenceItem.id == evidence_id)
    mine = {i.id: i for i in session.scalars(query.options(*_SHOWN))}
    if not mine:
        return []
    elsewhere = and_(
        EvidenceItem.complaint_id.is_not(None),
        EvidenceItem.complaint_id.not_in(complaint_ids),
        EvidenceItem.complaint.has(Complaint.status != ComplaintStatus.DRAFT),
    )
    result: list[Related] = []
    identical: set[tuple[int, int]] = set()
    by_sha: dict[str, list[EvidenceItem]] = defaultdict(list)
    for item in mine.values():
        by_sha[item.sha256].append(item)
    same_files = select(EvidenceItem).where(EvidenceItem.sha256.in_(list(by_sha)), elsewhere).options(*_SHOWN)
    for other in session.scalars(same_files):
        for item in by_sha[other.sha256]:
            result.append(Related(item, other, None))
            identical.add((item.id, other.id))
    bits = threshold(session)
    pairs = session.execute(
        select(EvidenceMatch).where(
            EvidenceMatch.distance <= bits,
            or_(EvidenceMatch.left_id.in_(list(mine)), EvidenceMatch.right_id.in_(list(mine))),
        )
    ).scalars()
    found: list[tuple[int, int, int, int, int]] = []
    for pair in pairs:
        if pair.left_id in mine:
            found.append((pair.left_id, pair.right_id, pair.distance, pair.left_frame, pair.right_frame))
        if pair.right_id in mine:
            found.append((pair.right_id, pair.left_id, pair.distance, pair.right_frame, pair.left_frame))
    others = _items(session, [f[1] for f in found], elsewhere)
    for item_id, other_id, distance, frame, other_frame in found:
        if other_id in others and (item_id, other_id) not in identical:
            result.append(Related(mine[item_id], others[other_id], distance, frame, other_frame))
    return sorted(result, key=lambda r: (r.item.id, r.distance if r.distance is not None else -1, r.other.id))


def _items(session: Session, ids: Iterable[int], where: ColumnElement[bool] | None = None) -> dict[int, EvidenceItem]:
    wanted = list(set(ids))
    if not wanted:
        return {}
    query = select(EvidenceItem).where(EvidenceItem.id.in_(wanted)).options(*_SHOWN)
    return {i.id: i for i in session.scalars(query if where is None else query.where(where))}


# --- clusters -------------------------------------------------------------------------------------


@dataclass
class Cluster:
    items: list[EvidenceItem] = field(default_factory=list)
    closest: int | None = None
    """Bits apart of the closest pair that is not identical; None if all are identical."""

    @cached_property
    def complaints(self) -> list[Complaint]:
        seen: dict[int, Complaint] = {}
        for item in self.items:
            if item.complaint is not None:
                seen.setdefault(item.complaint.id, item.complaint)
        return sorted(seen.values(), key=lambda c: c.id)

    @property
    def cases(self) -> list[Case]:
        seen = {c.case.id: c.case for c in self.complaints if c.case is not None}
        return sorted(seen.values(), key=lambda c: c.id)

    @property
    def open_complaints(self) -> list[Complaint]:
        """Complaints that could still be linked into a case."""
        return [c for c in self.complaints if c.case_id is None and c.status is not ComplaintStatus.DECLINED]


def clusters(session: Session, actor: User, limit: int = 50) -> list[Cluster]:
    """Groups of evidence across complaints that show the same picture, most complaints first.

    Items are joined when identical or matched within the threshold, and a
    group is kept only when it spans two complaints or more.
    """
    require_role(actor, REVIEWERS)
    bits = threshold(session)
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def join(a: int, b: int) -> None:
        parent[root(a)] = root(b)

    closest: dict[tuple[int, int], int] = {}
    for left, right, distance, _, _ in session.execute(
        _pairs_across_complaints().where(EvidenceMatch.distance <= bits)
    ):
        join(left, right)
        closest[(left, right)] = distance
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
        join(item_id, first.setdefault(sha256, item_id))
    members: dict[int, list[int]] = defaultdict(list)
    for x in list(parent):
        members[root(x)].append(x)
    items = _items(session, parent)
    nearest: dict[int, int] = {}
    for (a, b), distance in closest.items():
        if items[a].sha256 != items[b].sha256:
            nearest[root(a)] = min(distance, nearest.get(root(a), distance))
    groups = []
    for top, ids in members.items():
        cluster = Cluster(sorted((items[i] for i in ids), key=lambda i: i.id), nearest.get(top))
        if len(cluster.complaints) > 1:
            groups.append(cluster)
    groups.sort(key=lambda c: (-len(c.complaints), -len(c.items), c.items[0].id))
    return groups[:limit]


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
