"""IP rights and complaints of a rights-holder organisation."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, fields, replace
from datetime import date
from decimal import Decimal
from urllib.parse import urlsplit

from sqlalchemy import func, select
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
    complaint_rights,
    utcnow,
)
from portal.services import clusters, infringer_keys, infringers, paging, search, versions
from portal.services.access import get_complaint, require_filing_holder
from portal.services.agency import acting_orgs
from portal.services.errors import Conflict, Invalid, NotFound, translatable
from portal.services.loading import with_details
from portal.services.paging import Page, Window

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


def _check_right(data: RightInput) -> None:
    if data.valid_from and data.valid_until and data.valid_until < data.valid_from:
        raise Invalid("The right cannot expire before it starts.", {"valid_until": "Before the start date."})
    missing = {
        name: "Required." for name in ("registration_number", "registry", "owner") if not getattr(data, name).strip()
    }
    if missing:
        raise Invalid("The registration number, registry and owner are required.", missing)


def _write_right(right: IPRight, data: RightInput) -> None:
    right.right_type = data.right_type
    right.registration_number = data.registration_number.strip()
    right.registry_name = data.registry.strip()
    right.owner = data.owner.strip()
    right.valid_from = data.valid_from
    right.valid_until = data.valid_until
    right.scope = data.scope.strip()


def add_right(session: Session, actor: User, data: RightInput) -> IPRight:
    org_id = require_filing_holder(session, actor, data.org_id)
    _check_right(data)
    right = IPRight(org_id=org_id)
    _write_right(right, data)
    session.add(right)
    session.commit()
    return right


def get_right(session: Session, actor: User, right_id: int) -> IPRight:
    """A right of an organisation the actor files for; others do not exist for the actor."""
    right = session.get(IPRight, right_id)
    if right is None or right.org_id not in acting_orgs(session, actor, AgencyScope.COMPLAINTS):
        raise NotFound("There is no such right.")
    return right


def _relied_on(session: Session, right: IPRight) -> bool:
    """Whether a complaint past its draft relies on the right: what it was filed with must not change."""
    query = (
        select(Complaint.id)
        .join(complaint_rights, complaint_rights.c.complaint_id == Complaint.id)
        .where(complaint_rights.c.right_id == right.id, Complaint.status != ComplaintStatus.DRAFT)
    )
    return session.scalar(query.limit(1)) is not None


def change_right(
    session: Session, actor: User, right_id: int, data: RightInput, expected: Collection[int] | None = None
) -> IPRight:
    right = get_right(session, actor, right_id)
    require_filing_holder(session, actor, right.org_id)
    if right.retired_at is not None:
        raise Conflict("This right is retired and can no longer be changed.")
    if _relied_on(session, right):
        raise Conflict("Submitted complaints rely on this right as it is; retire it and record the new one instead.")
    versions.advance(session, right, expected)
    _check_right(data)
    _write_right(right, data)
    session.commit()
    return right


def retire_right(session: Session, actor: User, right_id: int) -> IPRight:
    right = get_right(session, actor, right_id)
    require_filing_holder(session, actor, right.org_id)
    if right.retired_at is None:
        right.retired_at = utcnow()
        session.commit()
    return right


def org_rights(session: Session, actor: User, window: Window | None = None) -> Page[IPRight]:
    """The rights of every organisation the actor files for, in the order they were recorded."""
    orgs = acting_orgs(session, actor, AgencyScope.COMPLAINTS)
    query = select(IPRight).where(IPRight.org_id.in_(orgs)).options(selectinload(IPRight.organisation))
    return paging.rows(session, query, IPRight.id, window, newest_first=False)


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


def field_errors(data: ComplaintInput) -> dict[str, str]:
    """What is wrong with a complaint's own fields (its rights are checked against the organisation's)."""
    errors: dict[str, str] = {}
    if not data.title.strip():
        errors["title"] = translatable("A short title is required.")
    if data.discovered_on and data.discovered_on > date.today():
        errors["discovered_on"] = translatable("The discovery date is in the future.")
    if data.illegal_volume is not None and data.illegal_volume < 0:
        errors["illegal_volume"] = translatable("Must not be negative.")
    if data.units is not None and data.units < 0:
        errors["units"] = translatable("Must not be negative.")
    if len(data.currency) != 3 or not data.currency.isalpha():
        errors["currency"] = translatable("Use a three-letter ISO 4217 code, such as CNY or EUR.")
    for number, infringer in enumerate(data.infringers, start=1):
        if not infringer.name.strip():
            errors[f"infringers-{number}-name"] = translatable("Each infringer needs a name.")
        for url in infringer.shop_urls:
            parts = urlsplit(url)
            if parts.scheme not in {"http", "https"} or not parts.netloc:
                errors[f"infringers-{number}-shop_urls"] = f"Not a web address: {url}"
    return errors


def _validate(session: Session, org_id: int, data: ComplaintInput, kept: frozenset[int] = frozenset()) -> list[IPRight]:
    """``kept``: rights the complaint already relies on, which it may keep after they are retired."""
    errors = field_errors(data)
    rights = list(session.scalars(select(IPRight).where(IPRight.id.in_(data.right_ids)))) if data.right_ids else []
    if len(rights) != len(set(data.right_ids)) or any(r.org_id != org_id for r in rights):
        errors["right_ids"] = translatable("Choose among your organisation's recorded rights.")
    elif any(r.retired_at is not None and r.id not in kept for r in rights):
        errors["right_ids"] = translatable("A retired right cannot be added to a complaint.")
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
    complaint = draft_complaint(session, actor, data, org_id)
    session.commit()
    return complaint


def draft_complaint(session: Session, actor: User, data: ComplaintInput, org_id: int | None = None) -> Complaint:
    """:func:`create_complaint` in the caller's transaction, which commits it with whatever goes with it."""
    org_id = require_filing_holder(session, actor, org_id)
    rights = _validate(session, org_id, data)
    complaint = Complaint(org_id=org_id, created_by_id=actor.id, title="")
    _apply(complaint, data, rights)
    session.add(complaint)
    session.flush()
    search.reindex(session, complaint)
    return complaint


def editable_complaint(session: Session, actor: User, complaint_id: int) -> Complaint:
    complaint = get_complaint(session, actor, complaint_id)
    require_filing_holder(session, actor, complaint.org_id)
    if complaint.status not in EDITABLE:
        raise Conflict("This complaint has been submitted and can no longer be edited.")
    return complaint


def update_complaint(
    session: Session, actor: User, complaint_id: int, data: ComplaintInput, expected: Collection[int] | None = None
) -> Complaint:
    """``expected``: the versions the change was made on (If-Match); another edit in between refuses it."""
    complaint = editable_complaint(session, actor, complaint_id)
    versions.advance(session, complaint, expected)
    if data.fields_given:
        data = replace(
            _current(complaint), **{name: getattr(data, name) for name in data.fields_given if name in _FIELDS}
        )
    rights = _validate(session, complaint.org_id, data, frozenset(r.id for r in complaint.rights))
    _apply(complaint, data, rights)
    session.flush()
    search.reindex(session, complaint)
    session.commit()
    return complaint


def missing_for_submission(facts: str, has_rights: bool, has_infringers: bool, has_evidence: bool) -> dict[str, str]:
    """What a complaint needs before it can be submitted."""
    errors: dict[str, str] = {}
    if not facts.strip():
        errors["facts"] = translatable("Describe the facts before submitting.")
    if not has_rights:
        errors["right_ids"] = translatable("Choose at least one of your rights.")
    if not has_infringers:
        errors["infringers"] = translatable("Name at least one alleged infringer.")
    if not has_evidence:
        errors["evidence"] = translatable("Upload at least one evidence item.")
    return errors


def submit_complaint(session: Session, actor: User, complaint_id: int) -> Complaint:
    complaint = editable_complaint(session, actor, complaint_id)
    has_evidence = bool(session.scalar(select(func.count()).where(EvidenceItem.complaint_id == complaint.id)))
    errors = missing_for_submission(complaint.facts, bool(complaint.rights), bool(complaint.infringers), has_evidence)
    if errors:
        raise Invalid("The complaint is not complete yet.", errors)
    complaint.status = ComplaintStatus.SUBMITTED
    complaint.submitted_at = utcnow()
    search.submitted(session, complaint)  # found by search from now on
    infringers.count_filed(session, complaint)
    clusters.join_complaint(session, complaint.id)
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


def org_complaints(session: Session, actor: User, window: Window | None = None) -> Page[Complaint]:
    """The complaints of every organisation the actor files for, newest first."""
    orgs = acting_orgs(session, actor, AgencyScope.COMPLAINTS)
    query = with_details(select(Complaint).where(Complaint.org_id.in_(orgs)))
    return paging.rows(session, query, Complaint.id, window)


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
    for item in session.scalars(query.options(selectinload(EvidenceItem.frames))):
        assert item.complaint_id is not None
        grouped[item.complaint_id].append(item)
    return grouped


EVIDENCE_PAGE = 50
"""Items a prosecutor's page of a complaint lists at a time: a complaint may hold hundreds."""


def evidence_page(
    session: Session, complaint: Complaint, position: paging.Position | None
) -> paging.KeyPage[EvidenceItem]:
    """The complaint's evidence in the order it was received, with its pictures, a page at a time."""
    query = select(EvidenceItem).where(EvidenceItem.complaint_id == complaint.id)
    query = query.options(selectinload(EvidenceItem.frames))
    at, key = EvidenceItem.received_at, EvidenceItem.id
    return paging.by_key(session, query, at, key, position, EVIDENCE_PAGE, newest_first=False)


def evidence_of(session: Session, complaint: Complaint) -> list[EvidenceItem]:
    """The complaint's evidence with its pictures, which the pages and the API count."""
    return evidence_of_each(session, [complaint])[complaint.id]
