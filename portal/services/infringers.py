"""Complaints that name the same infringer: same shop, same domain, same company name once normalised.

Prosecutors only; a rights holder never learns that another organisation
complained about the same shop.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, func, select, true, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, load_only, selectinload

from portal.models import Complaint, ComplaintStatus, Infringer, InfringerKey, SharedKey, User
from portal.services import paging
from portal.services.access import REVIEWERS, get_complaint, require_role
from portal.services.paging import Count, KeyPage, Position

SHOWN = 10
"""Complaints listed under each key, the last to name it first; the key's count covers them all."""
PER_PAGE = 20
"""Keys on a page of the list; each brings up to :data:`SHOWN` complaints."""


@dataclass(frozen=True)
class Shared:
    kind: str
    """name, shop or domain"""
    value: str
    complaints: list[Complaint]
    """The :data:`SHOWN` that named it last."""
    count: int
    """Every filed complaint naming it (on a complaint's page: every other one)."""


def count_filed(session: Session, complaint: Complaint) -> None:
    """Count the complaint's infringer keys as it is filed (the caller commits with the submission)."""
    keys = sorted({(key.kind, key.value) for infringer in complaint.infringers for key in infringer.keys})
    if not keys:
        return
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    rows = [{"kind": kind, "value": value, "complaints": 1} for kind, value in keys]
    statement = insert(SharedKey).values(rows)
    session.execute(
        statement.on_conflict_do_update(index_elements=["kind", "value"], set_={"complaints": SharedKey.complaints + 1})
    )


def _last_named(
    session: Session, keys: Select[str, str], besides: int | None = None
) -> dict[tuple[str, str], list[Complaint]]:
    """Up to :data:`SHOWN` filed complaints naming each of ``keys`` (a query of kinds and values), the last
    named first, in one query.

    On PostgreSQL each key's are read backwards from the (kind, value,
    infringer) index, a few rows a key however many complaints name it; the
    embedded SQLite, which has no LATERAL, ranks each key's in a window.
    """

    def naming(kind: Any, value: Any) -> Select[int, int]:
        query = (
            select(InfringerKey.infringer_id, Infringer.complaint_id)
            .join(Infringer, InfringerKey.infringer_id == Infringer.id)
            .join(Complaint, Infringer.complaint_id == Complaint.id)
            .where(InfringerKey.kind == kind, InfringerKey.value == value, Complaint.status != ComplaintStatus.DRAFT)
        )
        return query.where(Complaint.id != besides) if besides is not None else query

    wanted = keys.subquery()
    if session.get_bind().dialect.name == "postgresql":
        last = naming(wanted.c.kind, wanted.c.value).order_by(InfringerKey.infringer_id.desc()).limit(SHOWN).lateral()
        found_rows = (
            select(wanted.c.kind, wanted.c.value, last.c.complaint_id, last.c.infringer_id)
            .join(last, true())
            .subquery()
        )
    else:
        named = (
            naming(InfringerKey.kind, InfringerKey.value)
            .add_columns(InfringerKey.kind, InfringerKey.value)
            .join(wanted, and_(wanted.c.kind == InfringerKey.kind, wanted.c.value == InfringerKey.value))
            .subquery()
        )
        rank = func.row_number().over(partition_by=(named.c.kind, named.c.value), order_by=named.c.infringer_id.desc())
        ranked = select(named, rank.label("rank")).subquery()
        found_rows = select(ranked).where(ranked.c.rank <= SHOWN).subquery()
    found: dict[tuple[str, str], list[Complaint]] = defaultdict(list)
    shown = (load_only(Complaint.id, Complaint.status, Complaint.org_id), selectinload(Complaint.organisation))
    for kind, value, complaint in session.execute(
        select(found_rows.c.kind, found_rows.c.value, Complaint)
        .join(Complaint, Complaint.id == found_rows.c.complaint_id)
        .order_by(found_rows.c.kind, found_rows.c.value, found_rows.c.infringer_id.desc())
        .options(*shown)
    ):
        listed = found[(kind, value)]
        if complaint not in listed:  # a complaint naming the key through two of its infringers counts once
            listed.append(complaint)
    return found


def shared_with(session: Session, actor: User, complaint_id: int) -> list[Shared]:
    """Other filed complaints naming one of this complaint's infringers, the keys named most first."""
    require_role(actor, REVIEWERS)
    complaint = get_complaint(session, actor, complaint_id)
    mine = sorted({(key.kind, key.value) for infringer in complaint.infringers for key in infringer.keys})
    if not mine:
        return []
    counted = session.execute(
        select(SharedKey.kind, SharedKey.value, SharedKey.complaints).where(
            tuple_(SharedKey.kind, SharedKey.value).in_(mine)
        )
    )
    itself = 0 if complaint.status is ComplaintStatus.DRAFT else 1
    others = {(kind, value): count - itself for kind, value, count in counted if count > itself}
    wanted = select(SharedKey.kind, SharedKey.value).where(tuple_(SharedKey.kind, SharedKey.value).in_(sorted(others)))
    recent = _last_named(session, wanted, besides=complaint.id) if others else {}
    result = [Shared(kind, value, recent.get((kind, value), []), count) for (kind, value), count in others.items()]
    return sorted(result, key=lambda s: (-s.count, s.kind, s.value))


@dataclass(frozen=True)
class Groups:
    page: KeyPage[Shared]
    total: Count
    """Keys named in more than one complaint, counted up to a ceiling."""


def groups(session: Session, actor: User, position: Position | None = None, limit: int = PER_PAGE) -> Groups:
    """Infringers named in more than one filed complaint, those in most complaints first, a page at a time."""
    require_role(actor, REVIEWERS)
    shared = select(SharedKey).where(SharedKey.complaints > 1)
    page = paging.by_key(session, shared, SharedKey.complaints, SharedKey.id, position, limit)
    on_page = select(SharedKey.kind, SharedKey.value).where(SharedKey.id.in_([k.id for k in page.items]))
    recent = _last_named(session, on_page) if page.items else {}
    items = [Shared(k.kind, k.value, recent.get((k.kind, k.value), []), k.complaints) for k in page.items]
    total = paging.count_up_to(session, shared.with_only_columns(SharedKey.id))
    return Groups(KeyPage(items, page.next, page.previous), total)
