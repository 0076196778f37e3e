"""Criminal cases: opening, stages, and the view each participant gets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from portal.models import AgencyScope, Case, Complaint, EventKind, Role, Stage, StageChange, User
from portal.models.cases import CASE_NUMBER_MAX
from portal.services import paging
from portal.services.access import REVIEWERS, get_case, require_role
from portal.services.agency import acting_orgs
from portal.services.errors import Conflict, Invalid
from portal.services.notifications import Event, publish
from portal.services.paging import Page, Window
from portal.services.participation import participant_ids


@dataclass(frozen=True)
class CaseInput:
    case_number: str
    procuratorate: str
    charges: str
    prosecutor_id: int
    stage: Stage = Stage.PROSECUTION_REVIEW
    opened_on: date | None = None


def create_case(session: Session, actor: User, data: CaseInput, commit: bool = True) -> Case:
    require_role(actor, REVIEWERS)
    errors = {}
    for name in ("case_number", "procuratorate", "charges"):
        if not getattr(data, name).strip():
            errors[name] = "Required."
    prosecutor = session.get(User, data.prosecutor_id)
    if prosecutor is None or prosecutor.role not in REVIEWERS:
        errors["prosecutor_id"] = "Choose a prosecutor."
    if errors:
        raise Invalid("The case is incomplete.", errors)
    number = data.case_number.strip()
    if session.scalar(select(func.count()).where(Case.case_number == number)):
        raise Conflict(
            "Case %(number)s already exists; link to it instead.", {"case_number": "Already exists."}, number=number
        )
    case = Case(
        case_number=number,
        procuratorate=data.procuratorate.strip(),
        charges=data.charges.strip(),
        prosecutor_id=data.prosecutor_id,
        stage=data.stage,
        created_by_id=actor.id,
    )
    case.stage_changes.append(
        StageChange(
            stage=data.stage,
            occurred_on=data.opened_on or date.today(),
            recorded_by_id=actor.id,
        )
    )
    session.add(case)
    if commit:
        session.commit()
    else:
        session.flush()
    return case


@dataclass(frozen=True)
class StageInput:
    stage: Stage
    occurred_on: date
    note: str = ""
    note_shared: bool = False


def add_stage(session: Session, actor: User, case_id: int, data: StageInput) -> StageChange:
    require_role(actor, REVIEWERS)
    case = get_case(session, actor, case_id)
    if data.occurred_on > date.today():
        raise Invalid("The stage change cannot be in the future.", {"occurred_on": "In the future."})
    change = StageChange(
        case=case,
        stage=data.stage,
        occurred_on=data.occurred_on,
        note=data.note.strip(),
        note_shared=data.note_shared,
        recorded_by_id=actor.id,
    )
    session.add(change)
    latest = max(case.stage_changes, key=lambda c: (c.occurred_on, c.id or 0))
    case.stage = latest.stage
    publish(
        session,
        Event(
            EventKind.STAGE_CHANGED,
            {
                "case": case.case_number,
                "stage": change.stage.value,
                "occurred_on": change.occurred_on.isoformat(),
                "note": change.note if change.note_shared else "",
            },
            case_id=case.id,
            org_ids=participant_ids(session, case),
            data={"current_stage": case.stage.value},
        ),
    )
    session.commit()
    return change


SUGGESTED = 10
"""Cases the picker offers at a time."""


def list_cases(session: Session, actor: User, window: Window | None = None, number: str = "") -> Page[Case]:
    """The cases the actor may see, newest first: all for prosecutors, those they take part in for rights
    holders; only those whose case number holds ``number`` when it is given (the case picker)."""
    number = number.strip()
    if len(number) > CASE_NUMBER_MAX:  # held in no case number
        return Page([], None)
    query = select(Case)
    if number:
        query = query.where(Case.case_number.icontains(number, autoescape=True))
    if actor.role is Role.HOLDER:
        orgs = acting_orgs(session, actor, AgencyScope.PROCEEDINGS)
        query = query.where(Case.id.in_(select(Complaint.case_id).where(Complaint.org_id.in_(orgs))))
    elif actor.role not in REVIEWERS:
        return Page([], None)
    shown = (selectinload(Case.complaints), selectinload(Case.stage_changes), joinedload(Case.prosecutor))
    return paging.rows(session, query.options(*shown), Case.id, window)


@dataclass(frozen=True)
class TimelineEntry:
    stage: Stage
    occurred_on: date
    note: str
    note_shared: bool


def timeline(actor: User, case: Case) -> list[TimelineEntry]:
    """The case's stage changes; internal notes are shown to staff only."""
    staff = actor.role in REVIEWERS
    return [
        TimelineEntry(c.stage, c.occurred_on, c.note if (staff or c.note_shared) else "", c.note_shared)
        for c in case.stage_changes
    ]


def by_number(session: Session, actor: User, number: str) -> Case:
    """The case a prosecutor names by its number (on the pages, instead of choosing from every case)."""
    require_role(actor, REVIEWERS)
    number = number.strip()
    if not number:
        raise Invalid("Choose the case: type its number and pick it from those suggested.", {"case": "Required."})
    case = session.scalar(select(Case).where(Case.case_number == number))
    if case is None:
        raise Invalid(
            "No case has the number %(number)s: choose one of those suggested as you type.",
            {"case": "No such case."},
            number=number,
        )
    return case


def visible_complaints(session: Session, actor: User, case: Case) -> list[Complaint]:
    return complaints_seen(session, actor, [case])[case.id]


def complaints_seen(session: Session, actor: User, cases: list[Case]) -> dict[int, list[Complaint]]:
    """Each case's complaints the actor may see: all for staff, their organisations' for rights holders."""
    if actor.role in REVIEWERS:
        return {case.id: list(case.complaints) for case in cases}
    orgs = set(acting_orgs(session, actor, AgencyScope.PROCEEDINGS))
    return {case.id: [c for c in case.complaints if c.org_id in orgs] for case in cases}
