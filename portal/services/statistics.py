"""The supervisor's figures: volume by status, stage, origin, country and right type; time spent in
each stage; overdue requests and running deadlines; each prosecutor's workload.

Every figure is an aggregate the database works out, in a fixed number of
queries whatever the volume: counts grouped in SQL, and the medians and
90th percentiles of stage times picked by rank in SQL (window functions,
on PostgreSQL and SQLite alike). Over the whole portal these still read
every complaint, so they are kept as a summary: ``portal worker`` works
them out again every :data:`REFRESH_EVERY`, and a page works them out
itself only when no worker has for :data:`SERVED_FOR`. The overdue requests
and running deadlines are read live: only those that come first are loaded
as rows, the others counted.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import astuple, dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, DateTime, Integer, Subquery, cast, func, literal, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
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
    Summary,
    User,
    complaint_rights,
    utcnow,
)
from portal.services.access import SUPERVISORS, require_role
from portal.services.assignment import prosecutors
from portal.services.review import OPEN
from portal.services.shanghai import today_in_china

TOP_COUNTRIES = 12
SUMMARY = "dashboard"
REFRESH_EVERY = timedelta(minutes=1)
SERVED_FOR = timedelta(minutes=10)
"""How old kept figures a page shows before working them out itself (no worker running)."""
LISTED = 20
"""Overdue requests and running deadlines listed, the most pressing first; the counts cover them all."""


@dataclass(frozen=True)
class Durations:
    """Days spent, over every completed or running spell."""

    count: int
    median: float | None
    p90: float | None


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
class Figures:
    """The aggregates over the whole portal, as the summary keeps them."""

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
    workload: dict[int, tuple[int, int]]
    """By prosecutor id: open complaints assigned, cases responsible for."""
    unassigned: int

    def as_json(self) -> dict[str, Any]:
        return {
            "filed": self.filed,
            "complaints_by_status": {k.value: v for k, v in self.complaints_by_status.items()},
            "cases_by_stage": {k.value: v for k, v in self.cases_by_stage.items()},
            "origin": self.origin,
            "by_country": self.by_country,
            "by_right_type": {k.value: v for k, v in self.by_right_type.items()},
            "time_in_stage": {k.value: list(astuple(v)) for k, v in self.time_in_stage.items()},
            "review_days": list(astuple(self.review_days)),
            "workload": {str(k): list(v) for k, v in self.workload.items()},
            "unassigned": self.unassigned,
        }

    @classmethod
    def of_json(cls, value: dict[str, Any]) -> Figures:
        return cls(
            filed=value["filed"],
            complaints_by_status={ComplaintStatus(k): v for k, v in value["complaints_by_status"].items()},
            cases_by_stage={Stage(k): v for k, v in value["cases_by_stage"].items()},
            origin=value["origin"],
            by_country=[(country, count) for country, count in value["by_country"]],
            by_right_type={RightType(k): v for k, v in value["by_right_type"].items()},
            time_in_stage={Stage(k): Durations(*v) for k, v in value["time_in_stage"].items()},
            review_days=Durations(*value["review_days"]),
            workload={int(k): (v[0], v[1]) for k, v in value["workload"].items()},
            unassigned=value["unassigned"],
        )


@dataclass(frozen=True)
class Dashboard:
    figures: Figures
    figures_at: datetime
    """When the summary the figures come from was worked out."""
    overdue: list[Overdue]
    """The :data:`LISTED` requests overdue longest."""
    overdue_count: int
    deadlines: list[ServedDecision]
    """The :data:`LISTED` statutory deadlines still running that end soonest."""
    deadlines_count: int
    workload: list[Workload]


def _filed() -> list[ComplaintStatus]:
    return [s for s in ComplaintStatus if s is not ComplaintStatus.DRAFT]


def _whole_days(session: Session, start: Any, end: Any) -> ColumnElement[int]:
    """Whole days from ``start`` to ``end`` (both dates, or both times), never below zero."""
    if session.get_bind().dialect.name == "postgresql":
        seconds = func.extract("epoch", cast(end, DateTime) - cast(start, DateTime))
        return cast(func.greatest(func.floor(seconds / 86400), 0), Integer)
    return cast(func.max(func.julianday(end) - func.julianday(start), 0), Integer)


def _durations(session: Session, spells: Subquery) -> dict[Any, Durations]:
    """Count, median and 90th percentile of ``spells.days`` for each ``spells.key``, interpolated between the
    two nearest ranks as :func:`statistics.quantiles` does; only the rows at those ranks leave the database."""
    n = func.count().over(partition_by=spells.c.key)
    rank = func.row_number().over(partition_by=spells.c.key, order_by=spells.c.days) - 1
    ranked = select(spells.c.key, spells.c.days, rank.label("rank"), n.label("n")).subquery()
    wanted = [(ranked.c.n - 1) * tenths // 10 for tenths in (5, 9)]
    wanted += [((ranked.c.n - 1) * tenths + 9) // 10 for tenths in (5, 9)]
    days: dict[Any, dict[int, int]] = defaultdict(dict)
    counts: dict[Any, int] = {}
    for key, value, at, count in session.execute(select(ranked).where(ranked.c.rank.in_(wanted))):
        days[key][at] = value
        counts[key] = count
    return {key: Durations(counts[key], _at(ranks, counts[key], 5), _at(ranks, counts[key], 9))
            for key, ranks in days.items()}  # fmt: skip


def _at(ranks: dict[int, int], count: int, tenths: int) -> float:
    position = (count - 1) * tenths / 10
    low = int(position)
    if position == low:
        return float(ranks[low])
    return ranks[low] + (position - low) * (ranks[low + 1] - ranks[low])


NO_DURATIONS = Durations(0, None, None)


def _time_in_stage(session: Session, today: date) -> dict[Stage, Durations]:
    """Each stay in a stage lasts until the case's next stage change, or until today."""
    following = func.lead(StageChange.occurred_on).over(
        partition_by=StageChange.case_id, order_by=(StageChange.occurred_on, StageChange.id)
    )
    changes = select(StageChange.stage, StageChange.occurred_on, following.label("until")).subquery()
    until = func.coalesce(changes.c.until, literal(today))
    spells = select(changes.c.stage.label("key"), _whole_days(session, changes.c.occurred_on, until).label("days"))
    found = _durations(session, spells.subquery())
    return {stage: found.get(stage, NO_DURATIONS) for stage in Stage}


def _review_days(session: Session) -> Durations:
    decided = select(
        literal(1).label("key"), _whole_days(session, Complaint.submitted_at, Complaint.decided_at).label("days")
    ).where(Complaint.submitted_at.is_not(None), Complaint.decided_at.is_not(None))
    return _durations(session, decided.subquery()).get(1, NO_DURATIONS)


def _overdue(session: Session, today: date) -> tuple[list[Overdue], int]:
    in_cases = (CaseRequest.answered_at.is_(None), CaseRequest.due_on < today)
    on_complaints = (
        InformationRequest.replied_at.is_(None),
        InformationRequest.due_on < today,
        Complaint.status == ComplaintStatus.INFO_REQUESTED,
    )
    found = [
        Overdue(r.due_on, r.organisation.legal_name, r.message, r.case, None)
        for r in session.scalars(
            select(CaseRequest)
            .where(*in_cases)
            .options(selectinload(CaseRequest.organisation), selectinload(CaseRequest.case))
            .order_by(CaseRequest.due_on, CaseRequest.id)
            .limit(LISTED)
        )
    ]
    found += [
        Overdue(r.due_on, r.complaint.organisation.legal_name, r.message, None, r.complaint)
        for r in session.scalars(
            select(InformationRequest)
            .join(Complaint)
            .where(*on_complaints)
            .options(selectinload(InformationRequest.complaint).selectinload(Complaint.organisation))
            .order_by(InformationRequest.due_on, InformationRequest.id)
            .limit(LISTED)
        )
    ]
    asked_in_cases = select(func.count()).select_from(CaseRequest).where(*in_cases)
    asked_on_complaints = select(func.count()).select_from(InformationRequest).join(Complaint).where(*on_complaints)
    count = (session.scalar(asked_in_cases) or 0) + (session.scalar(asked_on_complaints) or 0)
    return sorted(found, key=lambda o: o.due_on)[:LISTED], count


def _workload(session: Session) -> dict[int, tuple[int, int]]:
    open_assigned = (
        select(Complaint.assigned_to_id, func.count())
        .where(Complaint.status.in_(list(OPEN)), Complaint.assigned_to_id.is_not(None))
        .group_by(Complaint.assigned_to_id)
    )
    assigned = {user: count for user, count in session.execute(open_assigned) if user is not None}
    cases = dict(session.execute(select(Case.prosecutor_id, func.count()).group_by(Case.prosecutor_id)).all())
    return {user: (assigned.get(user, 0), cases.get(user, 0)) for user in assigned.keys() | cases.keys()}


def _figures(session: Session, today: date) -> Figures:
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
    unassigned = session.scalar(
        select(func.count()).where(Complaint.status.in_(list(OPEN)), Complaint.assigned_to_id.is_(None))
    )
    return Figures(
        filed=sum(count for status, count in by_status.items() if status is not ComplaintStatus.DRAFT),
        complaints_by_status={s: by_status.get(s, 0) for s in ComplaintStatus},
        cases_by_stage={s: by_stage.get(s, 0) for s in Stage},
        origin={"foreign": origin["foreign"], "domestic": origin["domestic"]},
        by_country=countries.most_common(TOP_COUNTRIES),
        by_right_type={t: by_right.get(t, 0) for t in RightType},
        time_in_stage=_time_in_stage(session, today),
        review_days=_review_days(session),
        workload=_workload(session),
        unassigned=unassigned or 0,
    )


def refresh(session: Session) -> tuple[Figures, datetime]:
    """Work the figures out again and keep them (the worker calls this every :data:`REFRESH_EVERY`)."""
    figures, now = _figures(session, today_in_china()), utcnow()
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(Summary).values(name=SUMMARY, value=figures.as_json(), computed_at=now)
    # Two workers, or a page and a worker, may work them out at once: the later write wins.
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[Summary.name], set_={"value": statement.excluded.value, "computed_at": now}
        )
    )
    session.commit()
    return figures, now


def refresh_if_due(session: Session) -> bool:
    kept = session.get(Summary, SUMMARY)
    if kept is not None and utcnow() - kept.computed_at < REFRESH_EVERY:
        return False
    refresh(session)
    return True


def _kept_figures(session: Session) -> tuple[Figures, datetime]:
    kept = session.get(Summary, SUMMARY)
    if kept is None or utcnow() - kept.computed_at >= SERVED_FOR:
        return refresh(session)
    return Figures.of_json(kept.value), kept.computed_at


def dashboard(session: Session, actor: User) -> Dashboard:
    require_role(actor, SUPERVISORS, "The dashboard is for supervisors.")
    today = today_in_china()
    figures, figures_at = _kept_figures(session)
    running = ServedDecision.due_on >= today
    deadlines = session.scalars(
        select(ServedDecision)
        .where(running)
        .options(selectinload(ServedDecision.case))
        .order_by(ServedDecision.due_on, ServedDecision.id)
        .limit(LISTED)
    ).all()
    overdue, overdue_count = _overdue(session, today)
    workload = [Workload(user, *figures.workload.get(user.id, (0, 0))) for user in prosecutors(session)]
    return Dashboard(
        figures=figures,
        figures_at=figures_at,
        overdue=overdue,
        overdue_count=overdue_count,
        deadlines=list(deadlines),
        deadlines_count=session.scalar(select(func.count()).select_from(ServedDecision).where(running)) or 0,
        workload=workload,
    )
