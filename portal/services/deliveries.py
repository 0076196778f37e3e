"""Sending the outbox: claim due messages under a lease, send, record each attempt, back off on failure."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from portal.models import Channel, DeliveryAttempt, DeliveryStatus, OutboxMessage, utcnow
from portal.services import email_links

# Longer than any one send can take (SMTP and webhook timeouts are far shorter),
# so a lease only runs out when its worker died.
LEASE = timedelta(minutes=10)
FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=4)
MAX_ATTEMPTS = 11  # waits of 30 s, 1, 2, 4 ... 128 min, then 4 h: about eight hours in all


class DeliveryFailed(Exception):
    def __init__(self, message: str, status_code: int | None = None, permanent: bool = False) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.permanent = permanent


class Sender(Protocol):
    def email(self, message: OutboxMessage) -> None: ...

    def webhook(self, message: OutboxMessage) -> int:
        """POST the call; the receiver's status code (2xx) or DeliveryFailed."""
        ...


def backoff(attempts: int) -> timedelta:
    """The wait after the given number of failed attempts."""
    wait: timedelta = FIRST_RETRY * 2 ** max(attempts - 1, 0)
    return min(wait, LONGEST_WAIT)


def claim(session: Session, owner: str, now: datetime, limit: int) -> list[int]:
    """Lease up to ``limit`` due messages to ``owner``.

    On PostgreSQL, SKIP LOCKED lets workers pass over each other's rows; the
    conditional update makes the claim safe on SQLite too, which has no row locks.
    """
    free = or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until < now)
    due = (
        select(OutboxMessage.id)
        .where(OutboxMessage.status == DeliveryStatus.PENDING, OutboxMessage.next_attempt_at <= now, free)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    ids = list(session.scalars(due))
    if not ids:
        session.rollback()
        return []
    claimed = session.scalars(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), OutboxMessage.status == DeliveryStatus.PENDING, free)
        .values(lease_owner=owner, lease_until=now + LEASE)
        .returning(OutboxMessage.id)
    )
    result = sorted(claimed)
    session.commit()
    # Webhooks and accounts may have changed since this session last read them.
    session.expire_all()
    return result


@dataclass
class Round:
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    @property
    def total(self) -> int:
        return self.sent + self.retrying + self.failed


def _why_not_sendable(session: Session, message: OutboxMessage, now: datetime) -> str | None:
    if message.channel is Channel.WEBHOOK and (message.webhook is None or not message.webhook.active):
        return "The webhook was removed before this call was sent."
    if message.channel is Channel.EMAIL:
        note = message.notification
        if note is None or not note.user.active:
            return "The recipient's account is no longer active."
    if message.channel is Channel.ACCOUNT_EMAIL:
        return email_links.prepare(session, message, now)
    return None


def _send_one(session: Session, sender: Sender, message: OutboxMessage, tally: Round, due: datetime) -> None:
    started = time.monotonic()
    status_code = None
    error = _why_not_sendable(session, message, due)
    permanent = error is not None
    if error is None:
        try:
            if message.channel in (Channel.EMAIL, Channel.ACCOUNT_EMAIL):
                sender.email(message)
            else:
                status_code = sender.webhook(message)
        except DeliveryFailed as exc:
            error, status_code, permanent = str(exc), exc.status_code, exc.permanent
    now = utcnow()
    message.attempts += 1
    message.attempt_log.append(
        DeliveryAttempt(
            at=now,
            ok=error is None,
            status_code=status_code,
            error=error or "",
            duration_ms=round((time.monotonic() - started) * 1000),
        )
    )
    message.lease_owner = message.lease_until = None
    if error is None:
        message.status, message.sent_at, message.last_error = DeliveryStatus.SENT, now, ""
        tally.sent += 1
    elif permanent or message.attempts >= MAX_ATTEMPTS:
        message.status, message.last_error = DeliveryStatus.FAILED, error
        tally.failed += 1
    else:
        message.next_attempt_at, message.last_error = now + backoff(message.attempts), error
        tally.retrying += 1
    if message.channel is Channel.ACCOUNT_EMAIL and message.status is not DeliveryStatus.PENDING:
        # Sent or given up: the link's secret need not stay in the database any longer.
        message.body = {key: value for key, value in message.body.items() if key != "token"}
    session.commit()


def deliver_due(session: Session, sender: Sender, limit: int = 50, now: datetime | None = None) -> Round:
    """Send what is due now; safe to run in several workers at once."""
    owner = uuid.uuid4().hex
    tally = Round()
    now = now or utcnow()
    for message_id in claim(session, owner, now, limit):
        message = session.get(OutboxMessage, message_id)
        if message is None or message.lease_owner != owner:
            continue
        _send_one(session, sender, message, tally, now)
    return tally
