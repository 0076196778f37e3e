"""The prosecutors' review queue and their decisions on complaints."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import (
    Complaint,
    ComplaintStatus,
    EventKind,
    EvidenceItem,
    InformationRequest,
    IPRight,
    Organisation,
    RightType,
    User,
    complaint_rights,
    utcnow,
)
from portal.services import cases as case_service
from portal.services import paging, search
from portal.services.access import REVIEWERS, get_case, get_complaint, require_role
from portal.services.errors import Conflict, Invalid
from portal.services.evidence import record_linked
from portal.services.loading import with_details
from portal.services.notifications import Event, publish
from portal.services.paging import Count, KeyPage, Position

QUEUE_STATUSES = (
    ComplaintStatus.SUBMITTED,
    ComplaintStatus.UNDER_REVIEW,
    ComplaintStatus.INFO_REQUESTED,
    ComplaintStatus.ACCEPTED,
    ComplaintStatus.DECLINED,
    ComplaintStatus.WITHDRAWN,
)
OPEN = frozenset({ComplaintStatus.SUBMITTED, ComplaintStatus.UNDER_REVIEW, ComplaintStatus.INFO_REQUESTED})
MAX_PER_PAGE = 100


@dataclass(frozen=True)
class QueueFilter:
    status: ComplaintStatus | None = None
    foreign: bool | None = None
    right_type: RightType | None = None
    newest_first: bool = True
    position: Position | None = None
    per_page: int = 20
    assigned_to: int | None = None
    unassigned: bool = False


@dataclass(frozen=True)
class Queue:
    page: KeyPage[Complaint]
    total: Count
    """Complaints the filter matches, counted up to a ceiling."""


def queue(session: Session, actor: User, f: QueueFilter) -> Queue:
    """A page of the queue, in order of submission, reached by key from the page before or after it."""
    require_role(actor, REVIEWERS)
    if f.status is not None and f.status not in QUEUE_STATUSES:
        raise Invalid("Drafts are not in the review queue.", {"status": "Not a queue status."})
    if not 1 <= f.per_page <= MAX_PER_PAGE:
        raise Invalid(f"per_page must be between 1 and {MAX_PER_PAGE}.")
    query = select(Complaint).join(Organisation, Complaint.organisation)
    query = query.where(Complaint.status.in_([f.status] if f.status else QUEUE_STATUSES))
    if f.foreign is not None:
        query = query.where(Organisation.is_foreign == f.foreign)
    if f.right_type is not None:
        query = query.where(
            Complaint.id.in_(
                select(complaint_rights.c.complaint_id)
                .join(IPRight, IPRight.id == complaint_rights.c.right_id)
                .where(IPRight.right_type == f.right_type)
            )
        )
    if f.assigned_to is not None:
        query = query.where(Complaint.assigned_to_id == f.assigned_to)
    elif f.unassigned:
        query = query.where(Complaint.assigned_to_id.is_(None))
    total = paging.count_up_to(session, query.with_only_columns(Complaint.id))
    page = paging.by_key(
        session, with_details(query), Complaint.submitted_at, Complaint.id, f.position, f.per_page, f.newest_first
    )
    return Queue(page, total)


def open_for_review(session: Session, actor: User, complaint_id: int) -> Complaint:
    """A reviewer opens a complaint; a newly submitted one is now under review."""
    require_role(actor, REVIEWERS)
    complaint = get_complaint(session, actor, complaint_id)
    if complaint.status is ComplaintStatus.SUBMITTED:
        complaint.status = ComplaintStatus.UNDER_REVIEW
        session.commit()
    return complaint


@dataclass(frozen=True)
class Decision:
    action: Literal["request_information", "decline", "accept"]
    message: str = ""
    due: date | None = None
    reason: str = ""
    case_id: int | None = None
    new_case: case_service.CaseInput | None = None


def decide(session: Session, actor: User, complaint_id: int, decision: Decision) -> Complaint:
    require_role(actor, REVIEWERS)
    complaint = get_complaint(session, actor, complaint_id)
    if complaint.status not in OPEN:
        raise Conflict("This complaint is not open for a decision.")
    if decision.action == "request_information":
        errors = {}
        if not decision.message.strip():
            errors["message"] = "Say what is needed."
        if decision.due is None or decision.due <= date.today():
            errors["due"] = "Give a deadline after today."
        if errors:
            raise Invalid("The request is incomplete.", errors)
        assert decision.due is not None
        session.add(
            InformationRequest(
                complaint=complaint,
                message=decision.message.strip(),
                due_on=decision.due,
                requested_by_id=actor.id,
            )
        )
        complaint.status = ComplaintStatus.INFO_REQUESTED
    elif decision.action == "decline":
        if not decision.reason.strip():
            raise Invalid("A reason is required to decline.", {"reason": "Required."})
        complaint.status = ComplaintStatus.DECLINED
        complaint.decline_reason = decision.reason.strip()
        complaint.decided_at = utcnow()
    elif decision.action == "accept":
        if (decision.case_id is None) == (decision.new_case is None):
            raise Invalid("Link to an existing case or open a new one (not both).", {"case_id": "Choose one."})
        if decision.new_case is not None:
            case = case_service.create_case(session, actor, decision.new_case, commit=False)
        else:
            assert decision.case_id is not None
            case = get_case(session, actor, decision.case_id)
        complaint.case_id = case.id
        complaint.status = ComplaintStatus.ACCEPTED
        complaint.decided_at = utcnow()
        ids = session.scalars(select(EvidenceItem.id).where(EvidenceItem.complaint_id == complaint.id))
        record_linked(session, list(ids), actor, case.case_number)
        session.flush()
        search.reindex(session, complaint)  # now found by its case number too
    else:
        raise Invalid(f"Unknown decision {decision.action!r}.", {"action": "Unknown."})
    publish(session, decision_event(complaint, decision))
    session.commit()
    return complaint


def decision_event(complaint: Complaint, decision: Decision) -> Event:
    params: dict[str, str] = {"complaint": complaint.reference, "title": complaint.title}
    if decision.action == "request_information":
        assert decision.due is not None
        params.update(decision="info_requested", message=decision.message.strip(), due=decision.due.isoformat())
    elif decision.action == "decline":
        params.update(decision="declined", reason=complaint.decline_reason)
    else:
        assert complaint.case is not None
        params.update(decision="accepted", case=complaint.case.case_number)
    return Event(
        EventKind.COMPLAINT_DECIDED,
        params,
        complaint_id=complaint.id,
        org_ids=[complaint.org_id],
        data={"status": complaint.status.value},
    )
