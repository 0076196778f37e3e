"""The supervisor's figures: volume by status, stage, origin, country and right type; time spent in
each stage; overdue requests and running deadlines; each prosecutor's workload."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from portal.models import (
    Case,
    CaseRequest,
    Complaint,
    ComplaintStatus,
    InformationRequest,
    IPRight,
    Organisation,
    RightType,
    ServedDecision,
    Stage,
    StageChange,
    User,
    complaint_rights,
)
from portal.services.access import SUPERVISORS, require_role
from portal.services.assignment import prosecutors
from portal.services.review import OPEN
from portal.services.shanghai import today_in_china

TOP_COUNTRIES = 12


@dataclass(frozen=True)
class Durations:
    """Days spent, over every completed or running spell."""

    count: int
    median: float | None
    p90: float | None

    @classmethod
    def of(cls, days: list[int]) -> Durations:
        if not days:
            return cls(0, None, None)
        if len(days) == 1:
            return cls(1, float(days[0]), float(days[0]))
        return cls(len(days), statistics.median(days), statistics.quantiles(days, n=10, method="inclusive")[8])


@dataclass(frozen=True)
class Overdue:
    """An unanswered request past its due date, to a rights holder in a case or on a complaint."""

    due_on: date
    organisation: str
    message: str
    case: Case | None
    complaint: Complaint | None


@dataclass(frozen=True)
class Workload:
    prosecutor: User
    open_complaints: int
    cases: int


@dataclass(frozen=True)
class Dashboard:
    filed: int
    """Complaints submitted, whatever became of them since."""
    complaints_by_status: dict[ComplaintStatus, int]
    cases_by_stage: dict[Stage, int]
    origin: dict[str, int]
    """Complaints (drafts excluded) from foreign and from domestic rights holders."""
    by_country: list[tuple[str, int]]
    by_right_type: dict[RightType, int]
    time_in_stage: dict[Stage, Durations]
    review_days: Durations
    """From submission to the decision on a complaint."""
    overdue: list[Overdue]
    deadlines: list[ServedDecision]
    """Statutory deadlines still running, soonest first."""
    workload: list[Workload]
    unassigned: int


def _filed() -> list[ComplaintStatus]:
    return [s for s in ComplaintStatus if s is not ComplaintStatus.DRAFT]


def _time_in_stage(session: Session, today: date) -> dict[Stage, Durations]:
    spells: dict[Stage, list[int]] = defaultdict(list)
    order = (StageChange.case_id, StageChange.occurred_on, StageChange.id)
    changes = session.scalars(select(StageChange).order_by(*order))
    by_case: dict[int, list[StageChange]] = defaultdict(list)
    for change in changes:
        by_case[change.case_id].append(change)
    for history in by_case.values():
        for current, following in zip(history, [*history[1:], None], strict=True):
            end = following.occurred_on if following else today
            spells[current.stage].append(max((end - current.occurred_on).days, 0))
    return {stage: Durations.of(spells.get(stage, [])) for stage in Stage}


def _overdue(session: Session, today: date) -> list[Overdue]:
    found = [
        Overdue(r.due_on, r.organisation.legal_name, r.message, session.get(Case, r.case_id), None)
        for r in session.scalars(
            select(CaseRequest)
            .where(CaseRequest.answered_at.is_(None), CaseRequest.due_on < today)
            .options(selectinload(CaseRequest.organisation))
        )
    ]
    found += [
        Overdue(r.due_on, r.complaint.organisation.legal_name, r.message, None, r.complaint)
        for r in session.scalars(
            select(InformationRequest)
            .join(Complaint)
            .where(
                InformationRequest.replied_at.is_(None),
                InformationRequest.due_on < today,
                Complaint.status == ComplaintStatus.INFO_REQUESTED,
            )
        )
    ]
    return sorted(found, key=lambda o: o.due_on)


def _workload(session: Session) -> list[Workload]:
    assigned = dict(
        session.execute(
            select(Complaint.assigned_to_id, func.count())
            .where(Complaint.status.in_(list(OPEN)))
            .group_by(Complaint.assigned_to_id)
        ).all()
    )
    cases = dict(session.execute(select(Case.prosecutor_id, func.count()).group_by(Case.prosecutor_id)).all())
    return [Workload(user, assigned.get(user.id, 0), cases.get(user.id, 0)) for user in prosecutors(session)]


def dashboard(session: Session, actor: User) -> Dashboard:
    require_role(actor, SUPERVISORS, "The dashboard is for supervisors.")
    today = today_in_china()
    by_status = dict(session.execute(select(Complaint.status, func.count()).group_by(Complaint.status)).all())
    by_stage = dict(session.execute(select(Case.stage, func.count()).group_by(Case.stage)).all())
    filed = (
        select(Organisation.is_foreign, Organisation.country, func.count())
        .join(Complaint, Complaint.org_id == Organisation.id)
        .where(Complaint.status.in_(_filed()))
        .group_by(Organisation.is_foreign, Organisation.country)
    )
    origin: Counter[str] = Counter()
    countries: Counter[str] = Counter()
    for foreign, country, count in session.execute(filed):
        origin["foreign" if foreign else "domestic"] += count
        countries[country] += count
    by_right = dict(
        session.execute(
            select(IPRight.right_type, func.count(func.distinct(Complaint.id)))
            .join(complaint_rights, complaint_rights.c.right_id == IPRight.id)
            .join(Complaint, Complaint.id == complaint_rights.c.complaint_id)
            .where(Complaint.status.in_(_filed()))
            .group_by(IPRight.right_type)
        ).all()
    )
    decided = session.execute(
        select(Complaint.submitted_at, Complaint.decided_at).where(
            Complaint.submitted_at.is_not(None), Complaint.decided_at.is_not(None)
        )
    ).all()
    review = [max((d - s).days, 0) for s, d in decided if s is not None and d is not None]
    running = session.scalars(
        select(ServedDecision).where(ServedDecision.due_on >= today).order_by(ServedDecision.due_on)
    ).all()
    unassigned = session.scalar(
        select(func.count()).where(Complaint.status.in_(list(OPEN)), Complaint.assigned_to_id.is_(None))
    )
    return Dashboard(
        filed=sum(count for status, count in by_status.items() if status is not ComplaintStatus.DRAFT),
        complaints_by_status={s: by_status.get(s, 0) for s in ComplaintStatus},
        cases_by_stage={s: by_stage.get(s, 0) for s in Stage},
        origin={"foreign": origin["foreign"], "domestic": origin["domestic"]},
        by_country=countries.most_common(TOP_COUNTRIES),
        by_right_type={t: by_right.get(t, 0) for t in RightType},
        time_in_stage=_time_in_stage(session, today),
        review_days=Durations.of(review),
        overdue=_overdue(session, today),
        deadlines=list(running),
        workload=_workload(session),
        unassigned=unassigned or 0,
    )
