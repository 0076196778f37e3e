"""IP rights and complaints of a rights-holder organisation."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import date
from decimal import Decimal
from urllib.parse import urlsplit

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from portal.models import (
    AgencyScope,
    Complaint,
    ComplaintStatus,
    EvidenceItem,
    Infringer,
    InfringerKey,
    IPRight,
    RightType,
    User,
    utcnow,
)
from portal.services import infringer_keys, search
from portal.services.access import get_complaint, require_filing_holder
from portal.services.agency import acting_orgs
from portal.services.errors import Conflict, Invalid

EDITABLE = frozenset({ComplaintStatus.DRAFT})


@dataclass(frozen=True)
class RightInput:
    right_type: RightType
    registration_number: str
    registry: str
    owner: str
    valid_from: date | None = None
    valid_until: date | None = None
    scope: str = ""
    org_id: int | None = None
    """The principal an agent records the right for."""


def add_right(session: Session, actor: User, data: RightInput) -> IPRight:
    org_id = require_filing_holder(session, actor, data.org_id)
    if data.valid_from and data.valid_until and data.valid_until < data.valid_from:
        raise Invalid("The right cannot expire before it starts.", {"valid_until": "Before the start date."})
    missing = {
        name: "Required." for name in ("registration_number", "registry", "owner") if not getattr(data, name).strip()
    }
    if missing:
        raise Invalid("The registration number, registry and owner are required.", missing)
    right = IPRight(
        org_id=org_id,
        right_type=data.right_type,
        registration_number=data.registration_number.strip(),
        registry_name=data.registry.strip(),
        owner=data.owner.strip(),
        valid_from=data.valid_from,
        valid_until=data.valid_until,
        scope=data.scope.strip(),
    )
    session.add(right)
    session.commit()
    return right


def org_rights(session: Session, actor: User) -> list[IPRight]:
    """The rights of every organisation the actor files for."""
    orgs = acting_orgs(session, actor, AgencyScope.COMPLAINTS)
    query = select(IPRight).where(IPRight.org_id.in_(orgs)).options(selectinload(IPRight.organisation))
    return list(session.scalars(query.order_by(IPRight.org_id, IPRight.id)))


@dataclass(frozen=True)
class InfringerInput:
    name: str
    address: str = ""
    shop_urls: tuple[str, ...] = ()
    platform: str = ""


@dataclass(frozen=True)
class ComplaintInput:
    title: str
    facts: str = ""
    right_ids: tuple[int, ...] = ()
    infringers: tuple[InfringerInput, ...] = ()
    discovered_on: date | None = None
    discovery_method: str = ""
    illegal_volume: Decimal | None = None
    units: int | None = None
    currency: str = "CNY"
    language: str = "en"
    fields_given: frozenset[str] = field(default_factory=frozenset)
    """For partial updates (API PATCH): the fields to change; empty means all."""


_FIELDS = frozenset(f.name for f in fields(ComplaintInput)) - {"fields_given"}


def _validate(session: Session, org_id: int, data: ComplaintInput) -> list[IPRight]:
    errors: dict[str, str] = {}
    if not data.title.strip():
        errors["title"] = "A short title is required."
    if data.discovered_on and data.discovered_on > date.today():
        errors["discovered_on"] = "The discovery date is in the future."
    if data.illegal_volume is not None and data.illegal_volume < 0:
        errors["illegal_volume"] = "Must not be negative."
    if data.units is not None and data.units < 0:
        errors["units"] = "Must not be negative."
    if len(data.currency) != 3 or not data.currency.isalpha():
        errors["currency"] = "Use a three-letter ISO 4217 code, such as CNY or EUR."
    for number, infringer in enumerate(data.infringers, start=1):
        if not infringer.name.strip():
            errors[f"infringers-{number}-name"] = "Each infringer needs a name."
        for url in infringer.shop_urls:
            parts = urlsplit(url)
            if parts.scheme not in {"http", "https"} or not parts.netloc:
                errors[f"infringers-{number}-shop_urls"] = f"Not a web address: {url}"
    rights = list(session.scalars(select(IPRight).where(IPRight.id.in_(data.right_ids)))) if data.right_ids else []
    if len(rights) != len(set(data.right_ids)) or any(r.org_id != org_id for r in rights):
        errors["right_ids"] = "Choose among your organisation's recorded rights."
    if errors:
        raise Invalid("Please correct the marked fields.", errors)
    return rights


def _current(complaint: Complaint) -> ComplaintInput:
    return ComplaintInput(
        title=complaint.title,
        facts=complaint.facts,
        right_ids=tuple(r.id for r in complaint.rights),
        infringers=tuple(
            InfringerInput(i.name, i.address, tuple(i.url_list), i.platform) for i in complaint.infringers
        ),
        discovered_on=complaint.discovered_on,
        discovery_method=complaint.discovery_method,
        illegal_volume=complaint.illegal_volume,
        units=complaint.units,
        currency=complaint.currency,
        language=complaint.language,
    )


def _apply(complaint: Complaint, data: ComplaintInput, rights: list[IPRight]) -> None:
    for name in ("title", "facts", "discovery_method"):
        setattr(complaint, name, getattr(data, name).strip())
    for name in ("discovered_on", "illegal_volume", "units", "language"):
        setattr(complaint, name, getattr(data, name))
    complaint.currency = data.currency.upper()
    complaint.rights = rights
    complaint.infringers = [
        Infringer(
            name=i.name.strip(),
            address=i.address.strip(),
            shop_urls="\n".join(u.strip() for u in i.shop_urls if u.strip()),
            platform=i.platform.strip(),
            keys=[InfringerKey(kind=kind, value=value) for kind, value in infringer_keys.keys(i.name, i.shop_urls)],
        )
        for i in data.infringers
    ]


def create_complaint(session: Session, actor: User, data: ComplaintInput, org_id: int | None = None) -> Complaint:
    """A draft for the actor's organisation, or for ``org_id`` when an agent files for a principal."""
    org_id = require_filing_holder(session, actor, org_id)
    rights = _validate(session, org_id, data)
    complaint = Complaint(org_id=org_id, created_by_id=actor.id, title="")
    _apply(complaint, data, rights)
    session.add(complaint)
    session.flush()
    search.reindex(session, complaint)
    session.commit()
    return complaint


def editable_complaint(session: Session, actor: User, complaint_id: int) -> Complaint:
    complaint = get_complaint(session, actor, complaint_id)
    require_filing_holder(session, actor, complaint.org_id)
    if complaint.status not in EDITABLE:
        raise Conflict("This complaint has been submitted and can no longer be edited.")
    return complaint


def update_complaint(session: Session, actor: User, complaint_id: int, data: ComplaintInput) -> Complaint:
    complaint = editable_complaint(session, actor, complaint_id)
    if data.fields_given:
        data = replace(
            _current(complaint), **{name: getattr(data, name) for name in data.fields_given if name in _FIELDS}
        )
    rights = _validate(session, complaint.org_id, data)
    _apply(complaint, data, rights)
    session.flush()
    search.reindex(session, complaint)
    session.commit()
    return complaint


def submit_complaint(session: Session, actor: User, complaint_id: int) -> Complaint:
    complaint = editable_complaint(session, actor, complaint_id)
    errors: dict[str, str] = {}
    if not complaint.facts.strip():
        errors["facts"] = "Describe the facts before submitting."
    if not complaint.rights:
        errors["right_ids"] = "Choose at least one of your rights."
    if not complaint.infringers:
        errors["infringers"] = "Name at least one alleged infringer."
    if not session.scalar(select(func.count()).where(EvidenceItem.complaint_id == complaint.id)):
        errors["evidence"] = "Upload at least one evidence item."
    if errors:
        raise Invalid("The complaint is not complete yet.", errors)
    complaint.status = ComplaintStatus.SUBMITTED
    complaint.submitted_at = utcnow()
    session.commit()
    return complaint


def withdraw_complaint(session: Session, actor: User, complaint_id: int) -> Complaint:
    complaint = get_complaint(session, actor, complaint_id)
    require_filing_holder(session, actor, complaint.org_id)
    if complaint.status in {ComplaintStatus.ACCEPTED, ComplaintStatus.DECLINED, ComplaintStatus.WITHDRAWN}:
        raise Conflict("This complaint has been decided and cannot be withdrawn.")
    complaint.status = ComplaintStatus.WITHDRAWN
    session.commit()
    return complaint


def with_details(query: Select[Complaint]) -> Select[Complaint]:
    """Load what lists of complaints show in a few queries, not one per complaint."""
    return query.options(
        selectinload(Complaint.organisation),
        selectinload(Complaint.rights),
        selectinload(Complaint.infringers),
        selectinload(Complaint.info_requests),
        selectinload(Complaint.assigned_to),
    )


def org_complaints(session: Session, actor: User) -> list[Complaint]:
    """The complaints of every organisation the actor files for."""
    orgs = acting_orgs(session, actor, AgencyScope.COMPLAINTS)
    query = select(Complaint).where(Complaint.org_id.in_(orgs)).order_by(Complaint.created_at.desc())
    return list(session.scalars(with_details(query)))


def reply_to_request(session: Session, actor: User, complaint_id: int, reply: str) -> Complaint:
    complaint = get_complaint(session, actor, complaint_id)
    require_filing_holder(session, actor, complaint.org_id)
    if complaint.status is not ComplaintStatus.INFO_REQUESTED:
        raise Conflict("No request for information is open on this complaint.")
    if not reply.strip():
        raise Invalid("Write a reply.", {"reply": "Required."})
    request = complaint.info_requests[-1]
    request.reply = reply.strip()
    request.replied_by_id = actor.id
    request.replied_at = utcnow()
    complaint.status = ComplaintStatus.UNDER_REVIEW
    session.commit()
    return complaint


def evidence_of_each(session: Session, complaints: list[Complaint]) -> dict[int, list[EvidenceItem]]:
    grouped: dict[int, list[EvidenceItem]] = {c.id: [] for c in complaints}
    query = select(EvidenceItem).where(EvidenceItem.complaint_id.in_(grouped)).order_by(EvidenceItem.id)
    for item in session.scalars(query):
        assert item.complaint_id is not None
        grouped[item.complaint_id].append(item)
    return grouped


def evidence_of(session: Session, complaint: Complaint) -> list[EvidenceItem]:
    return list(
        session.scalars(select(EvidenceItem).where(EvidenceItem.complaint_id == complaint.id).order_by(EvidenceItem.id))
    )
