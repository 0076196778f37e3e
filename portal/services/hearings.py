"""Hearings: scheduled, changed or cancelled by the prosecutor; every participant is told at once."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import Case, EventKind, Hearing, HearingStatus, User, utcnow
from portal.services import versions
from portal.services.access import get_case
from portal.services.errors import Conflict, Invalid, NotFound
from portal.services.notifications import Event, publish
from portal.services.participation import log_act, participant_ids, staff_case


@dataclass(frozen=True)
class HearingInput:
    starts_at: datetime | None
    duration_minutes: int
    court: str
    room: str = ""
    remote_url: str = ""
    interpreter: bool = False
    note: str = ""


def _check(data: HearingInput) -> HearingInput:
    errors = {}
    if data.starts_at is None or data.starts_at.tzinfo is None:
        errors["starts_at"] = "Give the date and time."
    elif data.starts_at <= utcnow():
        errors["starts_at"] = "In the past."
    if not 15 <= data.duration_minutes <= 24 * 60:
        errors["duration_minutes"] = "Between 15 minutes and 24 hours."
    if not data.court.strip() or len(data.court) > 300:
        errors["court"] = "Name the court (300 characters at most)."
    if len(data.room) > 100:
        errors["room"] = "At most 100 characters."
    url = data.remote_url.strip()
    if url and (len(url) > 500 or urlsplit(url).scheme not in {"http", "https"} or not urlsplit(url).hostname):
        errors["remote_url"] = "An http:// or https:// link of at most 500 characters."
    if len(data.note) > 2000:
        errors["note"] = "At most 2000 characters."
    if errors:
        raise Invalid("The hearing details are not complete.", errors)
    return data


def _apply(hearing: Hearing, data: HearingInput) -> None:
    assert data.starts_at is not None
    hearing.starts_at = data.starts_at
    hearing.duration_minutes = data.duration_minutes
    hearing.court = data.court.strip()
    hearing.room = data.room.strip()
    hearing.remote_url = data.remote_url.strip()
    hearing.interpreter = data.interpreter
    hearing.note = data.note.strip()


def invitation(case: Case, hearing: Hearing) -> dict[str, Any]:
    """What participants are told, and what their calendar invitation is made from."""
    return {
        "case": case.case_number,
        "hearing_id": hearing.id,
        "uid": f"hearing-{hearing.id}@{case.id}",
        "sequence": hearing.sequence,
        "status": hearing.status.value,
        "starts_at": hearing.starts_at.isoformat(),
        "ends_at": (hearing.starts_at + timedelta(minutes=hearing.duration_minutes)).isoformat(),
        "court": hearing.court,
        "room": hearing.room,
        "remote_url": hearing.remote_url,
        "interpreter": hearing.interpreter,
        "note": hearing.note,
        "reason": hearing.cancel_reason,
    }


def _tell(session: Session, kind: EventKind, case: Case, hearing: Hearing, actor: User) -> None:
    params = invitation(case, hearing)
    log_act(
        session, kind.value, case, actor, {key: params[key] for key in ("hearing_id", "sequence", "starts_at", "court")}
    )
    publish(
        session,
        Event(kind, params, case_id=case.id, org_ids=participant_ids(session, case), data={"hearing_id": hearing.id}),
    )


def schedule(session: Session, actor: User, case_id: int, data: HearingInput) -> Hearing:
    case = staff_case(session, actor, case_id)
    hearing = Hearing(case_id=case.id, created_by_id=actor.id)
    _apply(hearing, _check(data))
    session.add(hearing)
    session.flush()
    _tell(session, EventKind.HEARING_SCHEDULED, case, hearing, actor)
    session.commit()
    return hearing


def _staff_hearing(session: Session, actor: User, case_id: int, hearing_id: int) -> tuple[Case, Hearing]:
    case = staff_case(session, actor, case_id)
    hearing = session.get(Hearing, hearing_id)
    if hearing is None or hearing.case_id != case.id:
        raise NotFound("There is no such hearing.")
    if hearing.status is HearingStatus.CANCELLED:
        raise Conflict("This hearing was cancelled; schedule a new one.")
    return case, hearing


def change(
    session: Session,
    actor: User,
    case_id: int,
    hearing_id: int,
    data: HearingInput,
    expected: Collection[int] | None = None,
) -> Hearing:
    """``expected``: the sequences the change was made on (If-Match); another change in between refuses it."""
    case, hearing = _staff_hearing(session, actor, case_id, hearing_id)
    versions.advance(session, hearing, expected, "sequence")
    _apply(hearing, _check(data))
    hearing.updated_at = utcnow()
    _tell(session, EventKind.HEARING_CHANGED, case, hearing, actor)
    session.commit()
    return hearing


def cancel(session: Session, actor: User, case_id: int, hearing_id: int, reason: str) -> Hearing:
    case, hearing = _staff_hearing(session, actor, case_id, hearing_id)
    if not reason.strip() or len(reason) > 2000:
        raise Invalid("Say why the hearing is cancelled.", {"reason": "Required, 2000 characters at most."})
    hearing.status = HearingStatus.CANCELLED
    hearing.cancel_reason = reason.strip()
    hearing.sequence += 1
    hearing.updated_at = utcnow()
    _tell(session, EventKind.HEARING_CANCELLED, case, hearing, actor)
    session.commit()
    return hearing


def hearings_in(session: Session, case: Case) -> list[Hearing]:
    return list(session.scalars(select(Hearing).where(Hearing.case_id == case.id).order_by(Hearing.starts_at)))


def get_hearing(session: Session, actor: User, case_id: int, hearing_id: int) -> tuple[Case, Hearing]:
    """A hearing of a case the actor may see (every participant is told of every hearing)."""
    case = get_case(session, actor, case_id)
    hearing = session.get(Hearing, hearing_id)
    if hearing is None or hearing.case_id != case.id:
        raise NotFound("There is no such hearing.")
    return case, hearing
