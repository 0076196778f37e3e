"""Notifications in the portal, and the outbox the delivery worker sends from."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.accounts import Organisation, User, enum_column
from portal.models.base import Base, utcnow
from portal.models.enums import Channel, DeliveryStatus, EventKind


class Notification(Base):
    """One event as one user sees it; titles are rendered in the reader's language from kind and params."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[EventKind] = mapped_column(enum_column(EventKind))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # What it is about, which is where the portal sends its reader.
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaints.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class EmailOptOut(Base):
    """A kind of event a user wants in the portal only, not by e-mail (e-mail is on by default)."""

    __tablename__ = "email_opt_outs"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[EventKind] = mapped_column(enum_column(EventKind), primary_key=True)


class Webhook(Base):
    __tablename__ = "webhooks"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    url: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str] = mapped_column(String(100))  # needed in clear to sign each delivery
    active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship()


class OutboxMessage(Base):
    """A delivery written in the same transaction as its event and sent later by `portal worker`.

    A worker claims a message by setting a lease; another worker only takes it
    once the lease has run out, so a message is sent once however many run.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[Channel] = mapped_column(enum_column(Channel))
    kind: Mapped[EventKind | None] = mapped_column(enum_column(EventKind))
    """What a notification or webhook call is about; None for an account mail."""
    notification_id: Mapped[int | None] = mapped_column(ForeignKey("notifications.id", ondelete="CASCADE"))
    webhook_id: Mapped[int | None] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"), index=True)
    body: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[DeliveryStatus] = mapped_column(enum_column(DeliveryStatus), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    lease_owner: Mapped[str | None] = mapped_column(String(40))
    lease_until: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]

    notification: Mapped[Notification | None] = relationship()
    webhook: Mapped[Webhook | None] = relationship()
    attempt_log: Mapped[list[DeliveryAttempt]] = relationship(
        back_populates="message", order_by="DeliveryAttempt.id", cascade="all, delete-orphan"
    )


class DeliveryAttempt(Base):
    """One try at sending an outbox message: the delivery log org admins read."""

    __tablename__ = "delivery_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    ok: Mapped[bool]
    status_code: Mapped[int | None]
    error: Mapped[str] = mapped_column(Text, default="")
    duration_ms: Mapped[int] = mapped_column(default=0)

    message: Mapped[OutboxMessage] = relationship(back_populates="attempt_log")
