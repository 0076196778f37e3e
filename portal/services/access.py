"""Object access: one place decides who may see or change what."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import (
    AgencyScope,
    Case,
    Complaint,
    ComplaintStatus,
    EvidenceItem,
    Organisation,
    OrgKind,
    OrgStatus,
    PowerOfAttorney,
    Role,
    User,
)
from portal.services.agency import acting_orgs, refusal, require_acting
from portal.services.errors import Forbidden, Invalid, NotFound, translatable

REVIEWERS = frozenset({Role.PROSECUTOR, Role.SUPERVISOR})
SUPERVISORS = frozenset({Role.SUPERVISOR})
ORG_DECIDERS = frozenset({Role.PROSECUTOR, Role.SUPERVISOR, Role.ADMIN})
ADMINS = frozenset({Role.ADMIN})


STAFF_ONLY = translatable("This is for staff only.")


def require_role(actor: User, roles: frozenset[Role], message: str = STAFF_ONLY) -> None:
    if actor.role not in roles:
        raise Forbidden(message)


def require_contributor(actor: User) -> None:
    """Refuse an organisation's viewers anything but reading."""
    if actor.reads_only:
        raise Forbidden(
            "You are a viewer in your organisation: you can read, not file or act. Its administrators can change "
            "your role."
        )


def require_org_admin(actor: User) -> int:
    """The id of the organisation the actor administers."""
    if actor.role is not Role.HOLDER or actor.org_id is None or not actor.is_org_admin:
        raise Forbidden("Only your organisation's administrator can manage this.")
    return actor.org_id


def require_filer(actor: User) -> Organisation:
    """The actor's organisation, when it is an approved rights holder or agent and the actor may file for it."""
    org = actor.organisation
    if actor.role is not Role.HOLDER or org is None:
        raise Forbidden("Only rights holders and their agents can do this.")
    require_contributor(actor)
    if org.status is not OrgStatus.APPROVED:
        raise Forbidden("Your organisation is waiting for approval; you can file once it is approved.")
    return org


def require_filing_holder(session: Session, actor: User, org_id: int | None = None) -> int:
    """The organisation a rights holder files for (their own), or an agent for (the principal named)."""
    org = require_filer(actor)
    if org.kind is OrgKind.RIGHTS_HOLDER:
        if org_id not in (None, org.id):
            raise Forbidden("You can act only for your own organisation.")
        return org.id
    if org_id is None:
        raise Invalid("Say which rights holder you act for.", {"org_id": "Choose a principal."})
    require_acting(session, actor, org_id, AgencyScope.COMPLAINTS, "There is no such organisation.")
    return org_id


def get_complaint(session: Session, actor: User, complaint_id: int) -> Complaint:
    """A complaint the actor may read; 404 for anything else, so nothing leaks."""
    complaint = session.get(Complaint, complaint_id)
    if complaint is None:
        raise NotFound("There is no such complaint.")
    if actor.role is Role.HOLDER:
        require_acting(session, actor, complaint.org_id, AgencyScope.COMPLAINTS, "There is no such complaint.")
    elif actor.role not in REVIEWERS or complaint.status is ComplaintStatus.DRAFT:
        raise NotFound("There is no such complaint.")
    return complaint


def get_evidence(session: Session, actor: User, evidence_id: int) -> EvidenceItem:
    item = session.get(EvidenceItem, evidence_id)
    if item is None:
        raise NotFound("There is no such evidence item.")
    if item.complaint_id is None:
        # An organisation's own document (a power of attorney): its members, its agents, staff.
        if actor.role in REVIEWERS or actor.org_id == item.org_id:
            return item
        held = select(PowerOfAttorney.id).where(
            PowerOfAttorney.evidence_id == item.id, PowerOfAttorney.agent_org_id == actor.org_id
        )
        if actor.role is Role.HOLDER and session.scalar(held) is not None:
            return item
        raise NotFound("There is no such evidence item.")
    try:
        get_complaint(session, actor, item.complaint_id)
    except NotFound:
        raise NotFound("There is no such evidence item.") from None
    return item


def get_case(session: Session, actor: User, case_id: int) -> Case:
    """A case the actor may see: staff see all, a rights holder (or agent) only cases it takes part in."""
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound("There is no such case.")
    if not can_see_case(session, actor, case):
        for complaint in case.complaints:
            reason = refusal(session, actor, complaint.org_id, AgencyScope.PROCEEDINGS)
            if reason is not None:
                raise reason
        raise NotFound("There is no such case.")
    return case


def can_see_case(session: Session, actor: User, case: Case) -> bool:
    if actor.role in REVIEWERS:
        return True
    acting = set(acting_orgs(session, actor, AgencyScope.PROCEEDINGS))
    return any(c.org_id in acting for c in case.complaints)
