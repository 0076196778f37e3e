"""What the prosecutor asks of a participant (more evidence, identification of seized goods, a loss
statement, attendance), by a due date; participants answer with a submission."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import Case, CaseRequest, EventKind, RequestKind, User
from portal.services.errors import Invalid
from portal.services.notifications import Event, publish
from portal.services.participation import check_participant, log_act, staff_case, visible_orgs
from portal.services.shanghai import today_in_china

MAX_MESSAGE = 5000


def make_request(
    session: Session, actor: User, case_id: int, org_id: int, kind: RequestKind, message: str, due_on: date | None
) -> CaseRequest:
    case = staff_case(session, actor, case_id)
    org = check_participant(session, case, org_id)
    errors = {}
    if not message.strip() or len(message) > MAX_MESSAGE:
        errors["message"] = f"Say what is needed, in at most {MAX_MESSAGE} characters."
    if due_on is None or due_on <= today_in_china():
        errors["due_on"] = "Give a due date after today (Asia/Shanghai)."
    if errors:
        raise Invalid("The request is incomplete.", errors)
    assert due_on is not None
    request = CaseRequest(
        case_id=case.id, org_id=org.id, kind=kind, message=message.strip(), due_on=due_on, created_by_id=actor.id
    )
    session.add(request)
    session.flush()
    log_act(
        session,
        "request.made",
        case,
        actor,
        {"request_id": request.id, "org_id": org.id, "kind": kind.value, "due_on": due_on.isoformat()},
    )
    publish(
        session,
        Event(
            EventKind.REQUEST_MADE,
            {"case": case.case_number, "request": kind.value, "message": request.message, "due": due_on.isoformat()},
            case_id=case.id,
            org_ids=[org.id],
            data={"request_id": request.id},
        ),
    )
    session.commit()
    return request


def requests_in(session: Session, actor: User, case: Case) -> list[CaseRequest]:
    """The case's requests to the participants the actor may see, newest first."""
    query = select(CaseRequest).where(
        CaseRequest.case_id == case.id, CaseRequest.org_id.in_(visible_orgs(session, actor, case))
    )
    return list(session.scalars(query.order_by(CaseRequest.id.desc())))


def is_overdue(request: CaseRequest, today: date | None = None) -> bool:
    return request.answered_at is None and (today or today_in_china()) > request.due_on
