"""Statutory deadlines opened by decisions served on participants, counted as the CPL counts them.

Article 105 of the Criminal Procedure Law: a period in days does not count
the day it starts on, and when its last day is a holiday (weekends
included) it ends on the first working day after. Working days follow the
State Council's published schedule, make-up working days included, through
the ``holidays`` package. For a year whose schedule the package does not
hold yet, weekends and the statutory holidays by rule are used and the date
is marked provisional, since the official schedule may still move it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import holidays
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.models import (
    Case,
    DeadlineReminder,
    DecisionKind,
    EventKind,
    ServedDecision,
    Submission,
    SubmissionKind,
    User,
)
from portal.services.errors import Invalid
from portal.services.notifications import Event, publish
from portal.services.participation import log_act, participant_ids, staff_case, visible_orgs
from portal.services.shanghai import today_in_china

REMINDER_DAYS = (3, 1)


@dataclass(frozen=True)
class Rule:
    days: int
    action: SubmissionKind
    """What the participant may do before the deadline."""


RULES = {
    DecisionKind.NON_PROSECUTION: Rule(7, SubmissionKind.PETITION),  # CPL art. 180
    DecisionKind.FIRST_INSTANCE_JUDGMENT: Rule(5, SubmissionKind.PROTEST_REQUEST),  # CPL art. 229
}


@cache
def _calendar(year: int) -> holidays.HolidayBase:
    return holidays.China(years=year)


@cache
def published_through() -> int:
    """The last year whose official schedule is known: every published year moves some working day to a weekend."""
    years = range(2000, date.today().year + 3)
    return max(day.year for day in holidays.China(years=years).weekend_workdays)


def is_working_day(day: date) -> bool:
    return bool(_calendar(day.year).is_working_day(day))


def due_date(served_on: date, days: int) -> tuple[date, bool]:
    """The last day of a period of ``days`` from ``served_on``, and whether it is provisional."""
    day = served_on + timedelta(days=days)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day, day.year > published_through()


def record_decision(
    session: Session,
    actor: User,
    case_id: int,
    kind: DecisionKind,
    decided_on: date,
    served_on: date,
    summary: str = "",
) -> ServedDecision:
    case = staff_case(session, actor, case_id)
    today = today_in_china()
    errors = {}
    if decided_on > today:
        errors["decided_on"] = "In the future."
    if served_on > today:
        errors["served_on"] = "In the future."
    elif served_on < decided_on:
        errors["served_on"] = "Before the decision."
    if len(summary) > 5000:
        errors["summary"] = "At most 5000 characters."
    if errors:
        raise Invalid("The decision's dates are not possible.", errors)
    rule = RULES[kind]
    due_on, provisional = due_date(served_on, rule.days)
    decision = ServedDecision(
        case_id=case.id,
        kind=kind,
        decided_on=decided_on,
        served_on=served_on,
        due_on=due_on,
        due_provisional=provisional,
        summary=summary.strip(),
        recorded_by_id=actor.id,
    )
    session.add(decision)
    session.flush()
    log_act(
        session,
        "decision.served",
        case,
        actor,
        {
            "decision_id": decision.id,
            "kind": kind.value,
            "decided_on": decided_on.isoformat(),
            "served_on": served_on.isoformat(),
            "due_on": due_on.isoformat(),
        },
    )
    publish(session, _event(EventKind.DEADLINE_OPENED, case, decision, participant_ids(session, case)))
    session.commit()
    return decision


def _event(kind: EventKind, case: Case, decision: ServedDecision, org_ids: list[int], **params: int) -> Event:
    return Event(
        kind,
        {
            "case": case.case_number,
            "decision": decision.kind.value,
            "action": RULES[decision.kind].action.value,
            "served_on": decision.served_on.isoformat(),
            "due": decision.due_on.isoformat(),
            "provisional": decision.due_provisional,
            **params,
        },
        case_id=case.id,
        org_ids=org_ids,
        data={"decision_id": decision.id},
    )


@dataclass(frozen=True)
class Deadline:
    decision: ServedDecision
    action: SubmissionKind
    days_left: int
    """Whole days from today (Asia/Shanghai) to the last day; 0 on the last day, negative once expired."""
    done_by: frozenset[int]
    """Participants who have already made the submission the deadline is for."""

    @property
    def expired(self) -> bool:
        return self.days_left < 0


def deadlines(session: Session, actor: User, case: Case, today: date | None = None) -> list[Deadline]:
    """Every deadline in the case, for the participants the actor may see."""
    orgs = visible_orgs(session, actor, case)
    if not orgs:
        return []
    decisions = list(
        session.scalars(select(ServedDecision).where(ServedDecision.case_id == case.id).order_by(ServedDecision.due_on))
    )
    return _deadlines(session, decisions, orgs, today or today_in_china())


def describe(session: Session, actor: User, decision: ServedDecision) -> Deadline:
    [deadline] = _deadlines(session, [decision], visible_orgs(session, actor, decision.case), today_in_china())
    return deadline


def _deadlines(session: Session, decisions: list[ServedDecision], orgs: list[int], today: date) -> list[Deadline]:
    """The deadlines of ``decisions``, with who among ``orgs`` has filed for each, in one query."""
    filed = session.execute(
        select(Submission.decision_id, Submission.org_id).where(
            Submission.decision_id.in_([d.id for d in decisions]), Submission.org_id.in_(orgs)
        )
    )
    done: dict[int, set[int]] = {}
    for decision_id, org_id in filed:
        if decision_id is not None:
            done.setdefault(decision_id, set()).add(org_id)
    return [
        Deadline(d, RULES[d.kind].action, (d.due_on - today).days, frozenset(done.get(d.id, ()))) for d in decisions
    ]


def open_decision(session: Session, case: Case, decision_id: int | None, action: SubmissionKind) -> ServedDecision:
    """The decision a petition or protest request answers, while its deadline runs."""
    decision = session.get(ServedDecision, decision_id) if decision_id is not None else None
    if decision is None or decision.case_id != case.id or RULES[decision.kind].action is not action:
        raise Invalid("Choose the decision this is about.", {"decision_id": "Not a decision of this kind in the case."})
    if today_in_china() > decision.due_on:
        raise Invalid(
            "The deadline passed on %(date)s (Asia/Shanghai).",
            {"decision_id": "Expired."},
            date=decision.due_on.isoformat(),
        )
    return decision


def send_reminders(session: Session, today: date | None = None) -> int:
    """Remind participants 3 days and 1 day before a deadline; each reminder goes out once."""
    today = today or today_in_china()
    sent = 0
    horizon = today + timedelta(days=max(REMINDER_DAYS))
    due = session.scalars(
        select(ServedDecision).where(ServedDecision.due_on >= today, ServedDecision.due_on <= horizon)
    ).all()
    for decision in due:
        days_left = (decision.due_on - today).days
        step = min(d for d in REMINDER_DAYS if d >= days_left)
        if session.get(DeadlineReminder, (decision.id, step)) is not None:
            continue
        session.add(DeadlineReminder(decision_id=decision.id, days_before=step))
        case = decision.case
        done = set(session.scalars(select(Submission.org_id).where(Submission.decision_id == decision.id)))
        waiting = [org for org in participant_ids(session, case) if org not in done]
        publish(session, _event(EventKind.DEADLINE_APPROACHING, case, decision, waiting, days_left=days_left))
        try:
            session.commit()
        except IntegrityError:
            session.rollback()  # another worker sent this reminder first; its notifications stand
            continue
        sent += 1
    return sent
