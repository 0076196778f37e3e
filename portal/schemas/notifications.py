"""Notifications, e-mail choices, webhooks and their deliveries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from portal.models import DeliveryStatus, EventKind
from portal.schemas.base import ROW_ID_MAX, Id, Input, Output, Query, Text


class InboxQuery(Query):
    before: int | None = Field(None, ge=1, le=ROW_ID_MAX, description="Only notifications older than this id.")
    limit: int = Field(50, ge=1, le=200)


class Notification(Output):
    id: Id
    kind: EventKind
    title: str
    lines: list[str]
    params: dict[str, Any]
    case_id: int | None
    complaint_id: int | None
    created_at: datetime
    read_at: datetime | None


class Inbox(Output):
    items: list[Notification]
    unread: int
    before: int | None = Field(description="Pass as `before` for the next page; null on the last.")
    next: str | None = Field(description="The URL of the next page; null on the last.")


class Marked(Output):
    marked: int


class EmailChoices(Output):
    email: dict[str, bool] = Field(description="For each notification kind, whether it is also e-mailed.")


class EmailChoicesInput(Input):
    email: list[EventKind] = Field(max_length=100, description="The kinds to e-mail; the others are not e-mailed.")


class WebhookInput(Input):
    url: Text = Field(min_length=1, max_length=500, examples=["https://firm.example/hooks/portal"])


class Webhook(Output):
    id: Id
    url: str
    created_at: datetime


class WebhookWithSecret(Webhook):
    secret: str = Field(description="Shown once: verify each delivery's signature (Standard Webhooks) with it.")


class Attempt(Output):
    at: datetime
    ok: bool
    status_code: int | None
    error: str | None
    duration_ms: int | None


class Delivery(Output):
    id: str = Field(examples=["msg_42"])
    type: EventKind
    status: DeliveryStatus
    created_at: datetime
    sent_at: datetime | None
    next_attempt_at: datetime | None
    attempts: list[Attempt]
