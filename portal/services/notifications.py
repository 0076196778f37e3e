"""Events for the people they concern: a notification in the portal, an e-mail, a webhook call.

:func:`publish` writes all three in the caller's transaction. E-mails and
webhook calls go into the outbox and `portal worker` sends them, so an event
is never lost and never waits on a mail server or a receiver.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from portal.models import (
    AgencyScope,
    Channel,
    EmailOptOut,
    EventKind,
    Notification,
    OutboxMessage,
    Role,
    User,
    Webhook,
    utcnow,
)
from portal.services.agency import agents_for
from portal.services.errors import Invalid, NotFound

# The kinds each role can receive, and so choose to get by e-mail or not.
HOLDER_KINDS = (
    EventKind.COMPLAINT_DECIDED,
    EventKind.STAGE_CHANGED,
    EventKind.NOTICE_SERVED,
    EventKind.DEADLINE_OPENED,
    EventKind.DEADLINE_APPROACHING,
    EventKind.REQUEST_MADE,
    EventKind.HEARING_SCHEDULED,
    EventKind.HEARING_CHANGED,
    EventKind.HEARING_CANCELLED,
    EventKind.DOCUMENT_SHARED,
)
STAFF_KINDS = (EventKind.SUBMISSION_RECEIVED, EventKind.ASSIGNED)
AGENT_KINDS = (*HOLDER_KINDS, EventKind.POWER_GRANTED, EventKind.POWER_REVOKED)
# Which power of attorney brings an agent an event about its principal.
KIND_SCOPE = {kind: AgencyScope.PROCEEDINGS for kind in HOLDER_KINDS} | {
    EventKind.COMPLAINT_DECIDED: AgencyScope.COMPLAINTS
}
INBOX_PAGE = 50


def kinds_for(user: User) -> tuple[EventKind, ...]:
    if user.role is not Role.HOLDER:
        return STAFF_KINDS
    return AGENT_KINDS if user.is_agent else HOLDER_KINDS


@dataclass(frozen=True)
class Event:
    """Something that happened. ``params`` must be JSON values: they are kept and rendered later."""

    kind: EventKind
    params: dict[str, Any]
    case_id: int | None = None
    complaint_id: int | None = None
    org_ids: Collection[int] = ()
    user_ids: Collection[int] = ()
    data: dict[str, Any] = field(default_factory=dict)
    """Extra fields for webhook receivers only (ids their systems can match)."""


def recipients(session: Session, org_ids: Iterable[int], user_ids: Iterable[int] = ()) -> list[User]:
    org_ids, user_ids = list(org_ids), list(user_ids)
    if not org_ids and not user_ids:
        return []
    query = select(User).where(User.active.is_(True), User.org_id.in_(org_ids) | User.id.in_(user_ids))
    return list(session.scalars(query.order_by(User.id)))


def concerned_orgs(session: Session, event: Event) -> list[int]:
    """The organisations the event is for, and the agents acting for them in that matter."""
    scope = KIND_SCOPE.get(event.kind)
    agents = agents_for(session, event.org_ids, scope) if scope else []
    return sorted({*event.org_ids, *agents})


def publish(session: Session, event: Event) -> list[Notification]:
    """Record the event for everyone it concerns; the caller commits."""
    org_ids = concerned_orgs(session, event)
    users = recipients(session, org_ids, event.user_ids)
    opted_out = set(
        session.scalars(
            select(EmailOptOut.user_id).where(
                EmailOptOut.kind == event.kind, EmailOptOut.user_id.in_([u.id for u in users])
            )
        )
    )
    created = []
    for user in users:
        note = Notification(
            user=user,
            kind=event.kind,
            params=event.params,
            case_id=event.case_id,
            complaint_id=event.complaint_id,
        )
        session.add(note)
        created.append(note)
        if user.id not in opted_out:
            session.add(OutboxMessage(channel=Channel.EMAIL, kind=event.kind, notification=note))
    hooks = session.scalars(
        select(Webhook).where(Webhook.active.is_(True), Webhook.org_id.in_(org_ids)).order_by(Webhook.id)
    )
    for hook in hooks:
        session.add(
            OutboxMessage(
                channel=Channel.WEBHOOK,
                kind=event.kind,
                webhook=hook,
                body={**event.params, **event.data, "case_id": event.case_id, "complaint_id": event.complaint_id},
            )
        )
    return created


def unread_count(session: Session, user: User) -> int:
    query = select(func.count()).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    return session.scalar(query) or 0


@dataclass(frozen=True)
class Inbox:
    items: list[Notification]
    unread: int
    before: int | None
    """The id to page back from, when older notifications exist."""


def inbox(session: Session, user: User, before: int | None = None, limit: int = INBOX_PAGE) -> Inbox:
    if before is not None and before < 1:
        raise Invalid("before must be a notification id.", {"before": "Not an id."})
    if not 1 <= limit <= 200:
        raise Invalid("limit must be between 1 and 200.", {"limit": "Out of range."})
    query = select(Notification).where(Notification.user_id == user.id)
    if before is not None:
        query = query.where(Notification.id < before)
    items = list(session.scalars(query.order_by(Notification.id.desc()).limit(limit + 1)))
    older = items[limit].id + 1 if len(items) > limit else None
    return Inbox(items[:limit], unread_count(session, user), older)


def open_notification(session: Session, user: User, notification_id: int) -> Notification:
    """The user's own notification, now marked read."""
    note = session.get(Notification, notification_id)
    if note is None or note.user_id != user.id:
        raise NotFound("There is no such notification.")
    if note.read_at is None:
        note.read_at = utcnow()
        session.commit()
    return note


def mark_all_read(session: Session, user: User) -> int:
    result = session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]


def email_choices(session: Session, user: User) -> dict[EventKind, bool]:
    """Each kind the user can receive, and whether it also comes by e-mail."""
    off = set(session.scalars(select(EmailOptOut.kind).where(EmailOptOut.user_id == user.id)))
    return {kind: kind not in off for kind in kinds_for(user)}


def set_email_choices(session: Session, user: User, wanted: Collection[str]) -> dict[EventKind, bool]:
    kinds = kinds_for(user)
    unknown = sorted(set(wanted) - {k.value for k in kinds})
    if unknown:
        raise Invalid(f"Unknown notification kinds: {', '.join(unknown)}.", {"email": "Unknown kind."})
    session.execute(delete(EmailOptOut).where(EmailOptOut.user_id == user.id))
    for kind in kinds:
        if kind.value not in wanted:
            session.add(EmailOptOut(user_id=user.id, kind=kind))
    session.commit()
    return email_choices(session, user)
