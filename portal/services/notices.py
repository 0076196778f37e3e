"""Notices of litigation rights and obligations: served on each participant, opened, acknowledged."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from evidence.ingest import ingest
from evidence.stores import Store
from portal.models import Case, DocumentKind, EventKind, Notice, Organisation, Role, User, utcnow
from portal.services.access import get_case, require_contributor
from portal.services.documents import new_document
from portal.services.errors import Conflict, Forbidden, Invalid, NotFound
from portal.services.integrity import storing
from portal.services.notifications import Event, publish
from portal.services.participation import check_participant, log_act, participants, staff_case, visible_orgs

MAX_TEXT = 20_000
RenderPdf = Callable[[Case, Organisation, str, str, datetime], bytes]


def _check_texts(text_zh: str, text_en: str) -> tuple[str, str]:
    errors = {}
    for name, text in (("text_zh", text_zh), ("text_en", text_en)):
        if not text.strip():
            errors[name] = "Required."
        elif len(text) > MAX_TEXT:
            errors[name] = f"At most {MAX_TEXT} characters."
    if errors:
        raise Invalid("The notice needs its Chinese and English texts.", errors)
    return text_zh.strip(), text_en.strip()


def serve(
    session: Session,
    store: Store,
    actor: User,
    case_id: int,
    org_id: int,
    text_zh: str,
    text_en: str,
    render_pdf: RenderPdf,
) -> Notice:
    """Keep the notice as a PDF, record its service and tell the participant."""
    case = staff_case(session, actor, case_id)
    org = check_participant(session, case, org_id)
    text_zh, text_en = _check_texts(text_zh, text_en)
    served_at = utcnow()
    pdf = render_pdf(case, org, text_zh, text_en, served_at)
    with storing(session, store, lambda: ingest([pdf], store, max_bytes=len(pdf))) as stored:
        title = f"诉讼权利义务告知书 Notice of litigation rights and obligations — {org.legal_name}"
        document = new_document(session, store, actor, case, DocumentKind.NOTICE, title, f"notice-{org.id}.pdf", stored)
        notice = Notice(
            case_id=case.id,
            org_id=org.id,
            document_id=document.id,
            text_zh=text_zh,
            text_en=text_en,
            served_at=served_at,
            served_by_id=actor.id,
        )
        session.add(notice)
        session.flush()
        log_act(
            session,
            "notice.served",
            case,
            actor,
            {"notice_id": notice.id, "org_id": org.id, "document_id": document.id, "sha256": document.sha256},
        )
        publish(
            session,
            Event(
                EventKind.NOTICE_SERVED,
                {"case": case.case_number},
                case_id=case.id,
                org_ids=[org.id],
                data={"notice_id": notice.id, "sha256": document.sha256},
            ),
        )
        session.commit()
    return notice


@dataclass(frozen=True)
class Standing:
    """A participant and the latest notice served on it, if any."""

    org: Organisation
    notice: Notice | None


def standings(session: Session, actor: User, case_id: int) -> list[Standing]:
    """For staff: each participant with its latest notice (served, opened, acknowledged)."""
    case = staff_case(session, actor, case_id)
    latest: dict[int, Notice] = {}
    for notice in session.scalars(select(Notice).where(Notice.case_id == case.id).order_by(Notice.id)):
        latest[notice.org_id] = notice
    return [Standing(org, latest.get(org.id)) for org in participants(session, case)]


def notices_for(session: Session, actor: User, case: Case) -> list[Notice]:
    query = select(Notice).where(Notice.case_id == case.id, Notice.org_id.in_(visible_orgs(session, actor, case)))
    return list(session.scalars(query.order_by(Notice.id.desc())))


def get_notice(session: Session, actor: User, notice_id: int) -> Notice:
    notice = session.get(Notice, notice_id)
    if notice is None:
        raise NotFound("There is no such notice.")
    case = get_case(session, actor, notice.case_id)
    if notice.org_id not in visible_orgs(session, actor, case):
        raise NotFound("There is no such notice.")
    return notice


def _participant_notice(session: Session, actor: User, notice_id: int) -> Notice:
    notice = get_notice(session, actor, notice_id)
    if actor.role is not Role.HOLDER:
        raise Forbidden("Only the rights holder it was served on can open or acknowledge a notice.")
    return notice


def open_notice(session: Session, actor: User, notice_id: int) -> Notice:
    """The participant reads the notice; the first reading is recorded."""
    notice = _participant_notice(session, actor, notice_id)
    if notice.opened_at is None:
        notice.opened_at, notice.opened_by_id = utcnow(), actor.id
        log_act(session, "notice.opened", notice.case, actor, {"notice_id": notice.id, "org_id": notice.org_id})
        session.commit()
    return notice


def acknowledge(session: Session, actor: User, notice_id: int) -> Notice:
    require_contributor(actor)
    notice = _participant_notice(session, actor, notice_id)
    if notice.acknowledged_at is not None:
        raise Conflict("This notice has already been acknowledged.")
    now = utcnow()
    if notice.opened_at is None:
        notice.opened_at, notice.opened_by_id = now, actor.id
    notice.acknowledged_at, notice.acknowledged_by_id = now, actor.id
    log_act(session, "notice.acknowledged", notice.case, actor, {"notice_id": notice.id, "org_id": notice.org_id})
    session.commit()
    return notice
