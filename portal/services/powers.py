"""Powers of attorney on file: a rights holder's administrator grants one to an agent organisation,
with the signed (notarised, apostilled or legalised) document as an evidence item, and may revoke it."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from evidence.ingest import Ingested
from evidence.stores import Store
from portal.models import (
    AgencyScope,
    EventKind,
    EvidenceItem,
    EvidenceKind,
    Organisation,
    OrgKind,
    OrgStatus,
    PowerOfAttorney,
    Role,
    User,
    utcnow,
)
from portal.services import paging, receipts
from portal.services.errors import Conflict, Forbidden, Invalid, NotFound
from portal.services.evidence import EvidenceMeta, receive_item
from portal.services.notifications import Event, publish
from portal.services.paging import Page, Window
from portal.services.shanghai import today_in_china


@dataclass(frozen=True)
class Grant:
    agent_org_id: int | None
    scopes: Collection[str]
    valid_from: date | None
    valid_until: date | None
    notarised_by: str = ""
    notarised_on: date | None = None
    legalisation: str = ""


def principal_admin(actor: User) -> Organisation:
    org = actor.organisation
    if actor.role is not Role.HOLDER or org is None or not actor.is_org_admin or org.kind is not OrgKind.RIGHTS_HOLDER:
        raise Forbidden("Only a rights holder's administrator can grant or revoke powers of attorney.")
    if org.status is not OrgStatus.APPROVED:
        raise Forbidden("Your organisation is waiting for approval.")
    return org


def may_grant(actor: User) -> bool:
    try:
        principal_admin(actor)
    except Forbidden:
        return False
    return True


def _check(session: Session, data: Grant) -> tuple[Organisation, list[str]]:
    errors = {}
    agent = session.get(Organisation, data.agent_org_id) if data.agent_org_id is not None else None
    if agent is None or agent.kind is not OrgKind.AGENT or agent.status is not OrgStatus.APPROVED:
        errors["agent_org_id"] = "Choose an approved agent organisation."
    scopes = sorted(set(data.scopes))
    if not scopes or not set(scopes) <= {s.value for s in AgencyScope}:
        errors["scopes"] = "Choose what the agent may do: complaints, proceedings or both."
    today = today_in_china()
    if data.valid_from is None:
        errors["valid_from"] = "Required."
    if data.valid_until is None:
        errors["valid_until"] = "Required."
    elif data.valid_from is not None and data.valid_until < data.valid_from:
        errors["valid_until"] = "Before the start."
    elif data.valid_until < today:
        errors["valid_until"] = "Already past."
    if data.notarised_on is not None and data.notarised_on > today:
        errors["notarised_on"] = "In the future."
    if len(data.notarised_by) > 300:
        errors["notarised_by"] = "At most 300 characters."
    if len(data.legalisation) > 300:
        errors["legalisation"] = "At most 300 characters."
    if errors:
        raise Invalid("The power of attorney is incomplete.", errors)
    assert agent is not None
    return agent, scopes


def grant(
    session: Session,
    store: Store,
    notary: receipts.Notary,
    actor: User,
    data: Grant,
    filename: str,
    receive: Callable[[], Ingested],
) -> PowerOfAttorney:
    """Put a power of attorney on file; its signed document is received as the principal's evidence."""
    principal = principal_admin(actor)
    agent, scopes = _check(session, data)
    assert data.valid_from is not None and data.valid_until is not None
    power = PowerOfAttorney(
        principal_org_id=principal.id,
        agent_org_id=agent.id,
        scopes=scopes,
        valid_from=data.valid_from,
        valid_until=data.valid_until,
        notarised_by=data.notarised_by.strip(),
        notarised_on=data.notarised_on,
        legalisation=data.legalisation.strip(),
        granted_by_id=actor.id,
    )

    def file_power(item: EvidenceItem) -> None:
        power.evidence_id = item.id
        session.add(power)
        session.flush()
        publish(session, _event(EventKind.POWER_GRANTED, power, principal, agent))

    description = f"Power of attorney for {agent.legal_name}"
    meta = EvidenceMeta(filename=filename, kind=EvidenceKind.POWER_OF_ATTORNEY, description=description)
    receive_item(session, store, notary, actor, receive, meta, principal.id, then=file_power)
    return power


def _event(kind: EventKind, power: PowerOfAttorney, principal: Organisation, agent: Organisation) -> Event:
    return Event(
        kind,
        {
            "principal": principal.legal_name,
            "agent": agent.legal_name,
            "scopes": power.scopes,
            "valid_from": power.valid_from.isoformat(),
            "valid_until": power.valid_until.isoformat(),
        },
        org_ids=[agent.id],
        data={"power_id": power.id},
    )


def revoke(session: Session, actor: User, power_id: int) -> PowerOfAttorney:
    principal = principal_admin(actor)
    power = session.get(PowerOfAttorney, power_id)
    if power is None or power.principal_org_id != principal.id:
        raise NotFound("There is no such power of attorney.")
    if power.revoked_at is not None:
        raise Conflict("This power of attorney has already been revoked.")
    power.revoked_at, power.revoked_by_id = utcnow(), actor.id
    publish(session, _event(EventKind.POWER_REVOKED, power, principal, power.agent))
    session.commit()
    return power


def powers(session: Session, actor: User, window: Window | None = None) -> Page[PowerOfAttorney]:
    """Powers the actor's organisation granted (a rights holder) or holds (an agent), newest first; staff see all."""
    query = select(PowerOfAttorney)
    if actor.role is Role.HOLDER:
        query = query.where(
            or_(PowerOfAttorney.principal_org_id == actor.org_id, PowerOfAttorney.agent_org_id == actor.org_id)
        )
    elif actor.role is Role.ADMIN:
        return Page([], None)
    return paging.rows(session, query, PowerOfAttorney.id, window)


def agent_organisations(session: Session, window: Window | None = None) -> Page[Organisation]:
    """Approved agent organisations, in the order they registered."""
    query = select(Organisation).where(Organisation.kind == OrgKind.AGENT, Organisation.status == OrgStatus.APPROVED)
    return paging.rows(session, query, Organisation.id, window, newest_first=False)
