"""Complaints that name the same infringer: same shop, same domain, same company name once normalised.

Prosecutors only; a rights holder never learns that another organisation
complained about the same shop.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import Select, func, select, tuple_
from sqlalchemy.orm import Session, selectinload

from portal.models import Complaint, ComplaintStatus, Infringer, InfringerKey, User
from portal.services.access import REVIEWERS, get_complaint, require_role

GROUPS_SHOWN = 100
FiledQuery = TypeVar("FiledQuery", bound=Select)  # type: ignore[type-arg]


@dataclass(frozen=True)
class Shared:
    kind: str
    """name, shop or domain"""
    value: str
    complaints: list[Complaint]


def _filed(query: FiledQuery) -> FiledQuery:
    """Keys of infringers in filed complaints (a draft shows nothing to prosecutors)."""
    return (
        query.join(Infringer, InfringerKey.infringer_id == Infringer.id)
        .join(Complaint, Infringer.complaint_id == Complaint.id)
        .where(Complaint.status != ComplaintStatus.DRAFT)
    )


def _complaints_by_key(session: Session, wanted: list[tuple[str, str]]) -> dict[tuple[str, str], list[Complaint]]:
    if not wanted:
        return {}
    rows = session.execute(
        _filed(select(InfringerKey.kind, InfringerKey.value, Complaint))
        .where(tuple_(InfringerKey.kind, InfringerKey.value).in_(wanted))
        .options(selectinload(Complaint.organisation))
        .order_by(Complaint.submitted_at)
    ).all()
    found: dict[tuple[str, str], list[Complaint]] = defaultdict(list)
    for kind, value, complaint in rows:
        if complaint not in found[(kind, value)]:
            found[(kind, value)].append(complaint)
    return found


def shared_with(session: Session, actor: User, complaint_id: int) -> list[Shared]:
    """Other filed complaints naming one of this complaint's infringers."""
    require_role(actor, REVIEWERS)
    complaint = get_complaint(session, actor, complaint_id)
    mine = sorted({(key.kind, key.value) for infringer in complaint.infringers for key in infringer.keys})
    result = []
    for (kind, value), complaints in _complaints_by_key(session, mine).items():
        others = [c for c in complaints if c.id != complaint.id]
        if others:
            result.append(Shared(kind, value, others))
    return sorted(result, key=lambda s: (-len(s.complaints), s.kind, s.value))


def groups(session: Session, actor: User, limit: int = GROUPS_SHOWN) -> list[Shared]:
    """Infringers named in more than one filed complaint, those in most complaints first."""
    require_role(actor, REVIEWERS)
    counted = (
        _filed(select(InfringerKey.kind, InfringerKey.value, func.count(func.distinct(Complaint.id)).label("n")))
        .group_by(InfringerKey.kind, InfringerKey.value)
        .having(func.count(func.distinct(Complaint.id)) > 1)
        .order_by(func.count(func.distinct(Complaint.id)).desc(), InfringerKey.kind, InfringerKey.value)
        .limit(limit)
    )
    keys = [(kind, value) for kind, value, _n in session.execute(counted)]
    found = _complaints_by_key(session, keys)
    return [Shared(kind, value, found[(kind, value)]) for kind, value in keys]
