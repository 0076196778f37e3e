"""Supervisors assign open complaints and cases to prosecutors; the prosecutor is told."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import Case, Complaint, EventKind, User
from portal.services.access import REVIEWERS, SUPERVISORS, get_case, get_complaint, require_role
from portal.services.errors import Conflict, Invalid
from portal.services.notifications import Event, publish
from portal.services.review import OPEN


def prosecutors(session: Session) -> list[User]:
    query = select(User).where(User.role.in_(list(REVIEWERS)), User.active.is_(True)).order_by(User.email)
    return list(session.scalars(query))


def _prosecutor(session: Session, prosecutor_id: int) -> User:
    user = session.get(User, prosecutor_id)
    if user is None or user.role not in REVIEWERS or not user.active:
        raise Invalid("Choose an active prosecutor.", {"prosecutor_id": "Not a prosecutor."})
    return user


def _tell(
    session: Session,
    prosecutor: User,
    what: str,
    reference: str,
    title: str,
    case_id: int | None = None,
    complaint_id: int | None = None,
) -> None:
    """Notify the prosecutor now responsible, and commit the assignment with it."""
    params = {"what": what, "reference": reference, "title": title}
    event = Event(EventKind.ASSIGNED, params, case_id=case_id, complaint_id=complaint_id, user_ids=[prosecutor.id])
    publish(session, event)
    session.commit()


def assign_complaint(session: Session, actor: User, complaint_id: int, prosecutor_id: int) -> Complaint:
    require_role(actor, SUPERVISORS, "Only a supervisor assigns complaints and cases.")
    complaint = get_complaint(session, actor, complaint_id)
    if complaint.status not in OPEN:
        raise Conflict("Only an open complaint can be assigned; this one has been decided.")
    prosecutor = _prosecutor(session, prosecutor_id)
    complaint.assigned_to_id = prosecutor.id
    _tell(session, prosecutor, "complaint", complaint.reference, complaint.title, complaint_id=complaint.id)
    return complaint


def assign_case(session: Session, actor: User, case_id: int, prosecutor_id: int) -> Case:
    require_role(actor, SUPERVISORS, "Only a supervisor assigns complaints and cases.")
    case = get_case(session, actor, case_id)
    prosecutor = _prosecutor(session, prosecutor_id)
    case.prosecutor_id = prosecutor.id
    _tell(session, prosecutor, "case", case.case_number, case.charges, case_id=case.id)
    return case
