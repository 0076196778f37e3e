"""Object access: one place decides who may see or change what."""

from __future__ import annotations

from sqlalchemy.orm import Session

from portal.models import Case, Complaint, ComplaintStatus, EvidenceItem, OrgStatus, Role, User
from portal.services.errors import Forbidden, NotFound

REVIEWERS = frozenset({Role.PROSECUTOR, Role.SUPERVISOR})
ORG_DECIDERS = frozenset({Role.PROSECUTOR, Role.SUPERVISOR, Role.ADMIN})


def require_role(actor: User, roles: frozenset[Role], message: str = "This is for staff only.") -> None:
    if actor.role not in roles:
        raise Forbidden(message)


def require_filing_holder(actor: User) -> int:
    """The organisation id of a rights holder whose organisation may file."""
    if actor.role is not Role.HOLDER or actor.organisation is None:
        raise Forbidden("Only members of a rights-holder organisation can do this.")
    if actor.organisation.status is not OrgStatus.APPROVED:
        raise Forbidden("Your organisation is waiting for approval; you can file once it is approved.")
    return actor.organisation.id


def get_complaint(session: Session, actor: User, complaint_id: int) -> Complaint:
    """A complaint the actor may read; 404 for anything else, so nothing leaks."""
    complaint = session.get(Complaint, complaint_id)
    if complaint is None:
        raise NotFound("There is no such complaint.")
    if actor.role is Role.HOLDER:
        if complaint.org_id != actor.org_id:
            raise NotFound("There is no such complaint.")
    elif actor.role not in REVIEWERS or complaint.status is ComplaintStatus.DRAFT:
        raise NotFound("There is no such complaint.")
    return complaint


def get_evidence(session: Session, actor: User, evidence_id: int) -> EvidenceItem:
    item = session.get(EvidenceItem, evidence_id)
    if item is None:
        raise NotFound("There is no such evidence item.")
    try:
        get_complaint(session, actor, item.complaint_id)
    except NotFound:
        raise NotFound("There is no such evidence item.") from None
    return item


def get_case(session: Session, actor: User, case_id: int) -> Case:
    """A case the actor may see: staff see all, a rights holder only cases it takes part in."""
    case = session.get(Case, case_id)
    if case is None or not can_see_case(actor, case):
        raise NotFound("There is no such case.")
    return case


def can_see_case(actor: User, case: Case) -> bool:
    if actor.role in REVIEWERS:
        return True
    return actor.role is Role.HOLDER and any(c.org_id == actor.org_id for c in case.complaints)
