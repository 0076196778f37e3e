"""Search across complaints and their evidence's details, in Chinese and English.

Each complaint has one search document: its title, facts, infringers (names,
addresses, shop URLs, platforms), rights, case number and its evidence's file
names and descriptions. The text is folded (full-width, traditional, case) and
cut into terms: words for alphabetic scripts, and for Chinese, which has no
spaces, every character and every pair of characters. PostgreSQL matches the
terms with full-text search (the ``simple`` configuration, a GIN index);
the embedded SQLite with an FTS5 table. A query matches documents holding
all of its terms, words also as prefixes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Integer, column, func, literal_column, select, text, update
from sqlalchemy.orm import Session

from portal.models import Complaint, EvidenceItem, SearchDocument, User
from portal.services import paging
from portal.services.access import REVIEWERS, require_role
from portal.services.errors import Invalid
from portal.services.infringer_keys import fold
from portal.services.loading import with_details
from portal.services.paging import Count, KeyPage, Position

CHINESE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
RUNS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[^\W_]+")
MAX_QUERY = 200
RESULTS = 50
COUNTED = 1000


def _pairs(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)]


def index_terms(value: str) -> list[str]:
    """The terms a document is indexed under: words, Chinese characters and character pairs."""
    terms = []
    for run in RUNS.findall(fold(value)):
        if CHINESE.fullmatch(run):
            terms += list(run) + _pairs(run)
        else:
            terms.append(run)
    return terms


def query_terms(value: str) -> list[tuple[str, bool]]:
    """The terms a query needs, each with whether it may be a prefix (words) or not (Chinese)."""
    terms: list[tuple[str, bool]] = []
    for run in RUNS.findall(fold(value)):
        if CHINESE.fullmatch(run):
            terms += [(term, False) for term in (_pairs(run) if len(run) > 1 else [run])]
        else:
            terms.append((run, True))
    return list(dict.fromkeys(terms))


def document(complaint: Complaint, evidence: list[EvidenceItem]) -> str:
    parts = [complaint.reference, complaint.title, complaint.facts, complaint.discovery_method]
    for infringer in complaint.infringers:
        parts += [infringer.name, infringer.address, infringer.platform, infringer.shop_urls]
    parts += [f"{r.registration_number} {r.registry_name} {r.owner}" for r in complaint.rights]
    if complaint.case is not None:
        parts.append(complaint.case.case_number)
    parts += [f"{item.filename} {item.description} {item.collected_where}" for item in evidence]
    parts += [complaint.organisation.legal_name, complaint.organisation.legal_name_latin]
    return " ".join(index_terms(" ".join(p for p in parts if p)))


def reindex(session: Session, complaint: Complaint) -> None:
    """Write the complaint's search document (the caller commits)."""
    evidence = list(session.scalars(select(EvidenceItem).where(EvidenceItem.complaint_id == complaint.id)))
    body = document(complaint, evidence)
    row = session.get(SearchDocument, complaint.id)
    if row is None:
        row = SearchDocument(complaint_id=complaint.id, body=body)
        session.add(row)
    row.body = body
    row.submitted_at = complaint.submitted_at


def submitted(session: Session, complaint: Complaint) -> None:
    """Put a complaint just submitted in search's order: its words were written as it was drafted, and its
    evidence is never taken away, so only the time of submission is new."""
    changed = session.execute(
        update(SearchDocument)
        .where(SearchDocument.complaint_id == complaint.id)
        .values(submitted_at=complaint.submitted_at)
    )
    if not changed.rowcount:  # type: ignore[attr-defined]  # drafted before search documents were kept
        reindex(session, complaint)


@dataclass(frozen=True)
class Found:
    page: KeyPage[Complaint]
    total: Count
    """Matches, counted up to :data:`COUNTED`."""


def search(session: Session, actor: User, query: str, position: Position | None = None, limit: int = RESULTS) -> Found:
    """Filed complaints whose document holds every term of ``query``, newest first, a page at a time.

    Matching, ordering and paging all happen in the database, in a fixed
    number of queries, whether a term matches one complaint or every one.
    """
    require_role(actor, REVIEWERS)
    if len(query) > MAX_QUERY:
        raise Invalid("Search for at most %(max)d characters.", {"q": "Too long."}, max=MAX_QUERY)
    terms = query_terms(query)
    if not terms:
        raise Invalid("Search for a word, a name, a URL or a case number.", {"q": "Nothing to search for."})
    matching: ColumnElement[bool]
    if session.get_bind().dialect.name == "postgresql":
        expression = " & ".join(f"{term}:*" if prefix else term for term, prefix in terms)
        terms_column: ColumnElement[Any] = literal_column("search_documents.terms")  # a tsvector: PostgreSQL only
        matching = terms_column.bool_op("@@")(func.to_tsquery(literal_column("'simple'"), expression))
    else:
        expression = " AND ".join(f'"{term}"*' if prefix else f'"{term}"' for term, prefix in terms)
        fts = text("SELECT rowid FROM search_fts WHERE search_fts MATCH :q").bindparams(q=expression)
        matching = SearchDocument.complaint_id.in_(fts.columns(column("rowid", Integer)))
    found = (
        select(Complaint)
        .join(SearchDocument, SearchDocument.complaint_id == Complaint.id)
        .where(SearchDocument.submitted_at.is_not(None), matching)
    )
    page = paging.by_key(
        session,
        with_details(found),
        SearchDocument.submitted_at,
        SearchDocument.complaint_id,
        position,
        limit,
        read=lambda complaint: (complaint.submitted_at, complaint.id),
    )
    total = paging.count_up_to(session, found.with_only_columns(SearchDocument.complaint_id), COUNTED)
    return Found(page, total)


def reindex_all(session: Session, missing_only: bool = False) -> int:
    """Write the search documents of every complaint (or those without one); returns how many."""
    query = select(Complaint).order_by(Complaint.id)
    if missing_only:
        query = query.where(~Complaint.id.in_(select(SearchDocument.complaint_id)))
    count = 0
    for complaint in session.scalars(query):
        reindex(session, complaint)
        count += 1
    session.commit()
    return count
