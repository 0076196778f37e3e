"""Documents the procuratorate puts in a case (indictment, decisions, judgment, notices) and shares.

Each is a stored, content-addressed, hashed file like evidence; sharing and
withdrawing are logged acts, and a participant sees a document only while
it is shared with them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from evidence.filenames import clean_display_name
from evidence.ingest import Ingested
from evidence.stores import Store
from portal.models import (
    Case,
    CaseDocument,
    DocumentKind,
    DocumentShare,
    EventKind,
    User,
    utcnow,
)
from portal.services import integrity
from portal.services.access import REVIEWERS, get_case
from portal.services.errors import Conflict, Invalid, NotFound
from portal.services.evidence import Download, open_download
from portal.services.notifications import Event, publish
from portal.services.participation import check_participant, log_act, staff_case, visible_orgs

SHAREABLE = (DocumentKind.INDICTMENT, DocumentKind.DECISION, DocumentKind.JUDGMENT, DocumentKind.OTHER)


def new_document(
    session: Session,
    store: Store,
    actor: User,
    case: Case,
    kind: DocumentKind,
    title: str,
    filename: str,
    stored: Ingested,
) -> CaseDocument:
    """The row for a file received with :func:`~portal.services.integrity.storing`, with its logged record
    (the caller commits)."""
    document = CaseDocument(
        case_id=case.id,
        kind=kind,
        title=title,
        filename=clean_display_name(filename),
        media_type=stored.media_type,
        size=stored.size,
        sha256=stored.sha256,
        storage_key=stored.key,
        uploaded_by_id=actor.id,
    )
    session.add(document)
    session.flush()
    integrity.settle(session, store, stored, actor, {"document_id": document.id})
    log_act(
        session,
        "document.stored",
        case,
        actor,
        {
            "document_id": document.id,
            "kind": kind.value,
            "title": title,
            "filename": document.filename,
            "sha256": document.sha256,
            "size": document.size,
            "media_type": document.media_type,
        },
    )
    return document


def _check_title(title: str) -> str:
    title = title.strip()
    if not title or len(title) > 300:
        raise Invalid("Give the document a title of at most 300 characters.", {"title": "Required, 300 at most."})
    return title


def _check_orgs(session: Session, case: Case, org_ids: Collection[int]) -> list[int]:
    if not org_ids:
        raise Invalid("Choose at least one participant to share with.", {"org_ids": "Choose one or more."})
    return [check_participant(session, case, org_id).id for org_id in sorted(set(org_ids))]


def add_document(
    session: Session,
    store: Store,
    actor: User,
    case_id: int,
    kind: DocumentKind,
    title: str,
    org_ids: Collection[int],
    filename: str,
    receive: Callable[[], Ingested],
) -> CaseDocument:
    """Store a document and share it with the chosen participants at once."""
    case = staff_case(session, actor, case_id)
    if kind not in SHAREABLE:
        raise Invalid("Notices are made by serving them, not uploaded.", {"kind": "Not an uploadable kind."})
    title = _check_title(title)
    orgs = _check_orgs(session, case, org_ids)
    with integrity.storing(session, store, receive) as stored:
        document = new_document(session, store, actor, case, kind, title, filename, stored)
        _share(session, actor, case, document, orgs)
        session.commit()
    return document


def _share(session: Session, actor: User, case: Case, document: CaseDocument, org_ids: list[int]) -> list[int]:
    current = {s.org_id: s for s in document.shares}
    newly = []
    for org_id in org_ids:
        share = current.get(org_id)
        if share is not None and share.withdrawn_at is None:
            continue
        if share is None:
            share = DocumentShare(document=document, org_id=org_id, shared_by_id=actor.id)
            session.add(share)
        share.shared_at, share.shared_by_id = utcnow(), actor.id
        share.withdrawn_at = share.withdrawn_by_id = None
        newly.append(org_id)
    if newly:
        log_act(session, "document.shared", case, actor, {"document_id": document.id, "org_ids": newly})
        publish(
            session,
            Event(
                EventKind.DOCUMENT_SHARED,
                {"case": case.case_number, "title": document.title, "filename": document.filename},
                case_id=case.id,
                org_ids=newly,
                data={"document_id": document.id, "sha256": document.sha256},
            ),
        )
    return newly


def _case_document(session: Session, case: Case, document_id: int) -> CaseDocument:
    document = session.get(CaseDocument, document_id)
    if document is None or document.case_id != case.id:
        raise NotFound("There is no such document.")
    return document


def share(session: Session, actor: User, case_id: int, document_id: int, org_ids: Collection[int]) -> list[int]:
    """Share a document with more participants (again, after a withdrawal); returns those newly shared with."""
    case = staff_case(session, actor, case_id)
    document = _case_document(session, case, document_id)
    if document.kind not in SHAREABLE:
        raise Conflict("A notice reaches its participant by being served.")
    newly = _share(session, actor, case, document, _check_orgs(session, case, org_ids))
    session.commit()
    return newly


def withdraw(session: Session, actor: User, case_id: int, document_id: int, org_id: int) -> None:
    case = staff_case(session, actor, case_id)
    document = _case_document(session, case, document_id)
    share = next((s for s in document.shares if s.org_id == org_id and s.withdrawn_at is None), None)
    if share is None:
        raise Conflict("This document is not shared with that participant.")
    share.withdrawn_at, share.withdrawn_by_id = utcnow(), actor.id
    log_act(session, "document.withdrawn", case, actor, {"document_id": document.id, "org_id": org_id})
    session.commit()


def shared_with(session: Session, case: Case, org_id: int) -> list[CaseDocument]:
    query = (
        select(CaseDocument)
        .join(DocumentShare)
        .where(
            CaseDocument.case_id == case.id,
            DocumentShare.org_id == org_id,
            DocumentShare.withdrawn_at.is_(None),
        )
        .order_by(CaseDocument.id)
    )
    return list(session.scalars(query))


def case_documents(session: Session, case: Case) -> list[CaseDocument]:
    query = select(CaseDocument).where(CaseDocument.case_id == case.id, CaseDocument.kind.in_(SHAREABLE))
    return list(session.scalars(query.order_by(CaseDocument.id)))


def get_document(session: Session, actor: User, document_id: int) -> CaseDocument:
    """A document the actor may read: staff any; a participant while it is shared with them
    (notices reach their participant through :mod:`portal.services.notices`)."""
    document = session.get(CaseDocument, document_id)
    if document is None:
        raise NotFound("There is no such document.")
    case = get_case(session, actor, document.case_id)
    if actor.role in REVIEWERS:
        return document
    mine = visible_orgs(session, actor, case)
    if not any(s.org_id in mine and s.withdrawn_at is None for s in document.shares):
        raise NotFound("There is no such document.")
    return document


def download(session: Session, store: Store, actor: User, document_id: int) -> Download:
    return open_download(session, store, get_document(session, actor, document_id))
