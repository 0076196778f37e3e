"""Notifications, e-mail choices and the organisation's webhooks over the API."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask.typing import ResponseReturnValue

from portal import notification_texts
from portal.api import bp, me_
from portal.api.contract import body, link_with, operation, paged, query, window
from portal.db import get_session
from portal.i18n import speaking_to
from portal.models import Notification, OutboxMessage, TokenScope, Webhook
from portal.schemas import notifications as schema
from portal.schemas.base import Page, PageQuery
from portal.services import notifications, webhooks
from portal.services.access import require_org_admin


def _notification_json(note: Notification) -> dict[str, Any]:
    with speaking_to(note.user):
        title, lines = notification_texts.render(note.kind, note.params)
    return {
        "id": note.id,
        "kind": note.kind.value,
        "title": title,
        "lines": lines,
        "params": note.params,
        "case_id": note.case_id,
        "complaint_id": note.complaint_id,
        "created_at": note.created_at.isoformat(),
        "read_at": note.read_at.isoformat() if note.read_at else None,
    }


def _webhook_json(hook: Webhook) -> dict[str, Any]:
    return {"id": hook.id, "url": hook.url, "created_at": hook.created_at.isoformat()}


def _delivery_json(message: OutboxMessage) -> dict[str, Any]:
    assert message.kind is not None  # webhook calls always carry their event's kind; only account mails do not
    return {
        "id": f"msg_{message.id}",
        "type": message.kind.value,
        "status": message.status.value,
        "created_at": message.created_at.isoformat(),
        "sent_at": message.sent_at.isoformat() if message.sent_at else None,
        "next_attempt_at": message.next_attempt_at.isoformat() if message.status.value == "pending" else None,
        "attempts": [
            {
                "at": a.at.isoformat(),
                "ok": a.ok,
                "status_code": a.status_code,
                "error": a.error,
                "duration_ms": a.duration_ms,
            }
            for a in message.attempt_log
        ],
    }


@bp.get("/notifications")
@operation(
    "Your notifications, newest first",
    tag="notifications",
    query=schema.InboxQuery,
    response=schema.Inbox,
)
def list_notifications() -> ResponseReturnValue:
    wanted: schema.InboxQuery = query()
    page = notifications.inbox(get_session(), me_(), wanted.before, wanted.limit)
    return {
        "items": [_notification_json(n) for n in page.items],
        "unread": page.unread,
        "before": page.before,
        "next": link_with(before=page.before) if page.before is not None else None,
    }


@bp.post("/notifications/<int:notification_id>/read")
@operation("Mark a notification read", tag="notifications", response=schema.Notification)
def read_notification(notification_id: int) -> ResponseReturnValue:
    return _notification_json(notifications.open_notification(get_session(), me_(), notification_id))


@bp.post("/notifications/read-all")
@operation("Mark every notification read", tag="notifications", response=schema.Marked)
def read_all_notifications() -> ResponseReturnValue:
    return {"marked": notifications.mark_all_read(get_session(), me_())}


def _choices_json(choices: dict[Any, bool]) -> dict[str, Any]:
    return {"email": {kind.value: on for kind, on in choices.items()}}


@bp.get("/me/email-notifications")
@operation("Which notifications are also e-mailed to you", tag="notifications", response=schema.EmailChoices)
def email_choices() -> ResponseReturnValue:
    return _choices_json(notifications.email_choices(get_session(), me_()))


@bp.put("/me/email-notifications")
@operation(
    "Choose which notifications are also e-mailed to you",
    tag="notifications",
    scope=TokenScope.ADMIN,  # a setting of the account
    body=schema.EmailChoicesInput,
    response=schema.EmailChoices,
)
def set_email_choices() -> ResponseReturnValue:
    data: schema.EmailChoicesInput = body()
    wanted = [kind.value for kind in data.email]
    return _choices_json(notifications.set_email_choices(get_session(), me_(), wanted))


@bp.get("/webhooks")
@operation("Your organisation's webhooks", tag="webhooks", query=PageQuery, response=Page[schema.Webhook])
def list_webhooks() -> ResponseReturnValue:
    return paged(webhooks.list_webhooks(get_session(), me_(), window()), _webhook_json)


@bp.post("/webhooks")
@operation(
    "Register a webhook (organisation administrators)",
    tag="webhooks",
    body=schema.WebhookInput,
    response=schema.WebhookWithSecret,
    status=201,
    errors=(403,),
    links={"webhook_id": "id"},
)
def register_webhook() -> ResponseReturnValue:
    require_org_admin(me_())
    data: schema.WebhookInput = body()
    allow_private = current_app.config["SETTINGS"].webhook_allow_private
    registered = webhooks.register(get_session(), me_(), data.url, allow_private)
    return {**_webhook_json(registered.webhook), "secret": registered.secret}


@bp.delete("/webhooks/<int:webhook_id>")
@operation("Remove a webhook", tag="webhooks", status=204, errors=(403,))
def remove_webhook(webhook_id: int) -> None:
    webhooks.remove(get_session(), me_(), webhook_id)


@bp.post("/webhooks/<int:webhook_id>/secret")
@operation("Give a webhook a new secret", tag="webhooks", response=schema.WebhookWithSecret, errors=(403,))
def rotate_webhook_secret(webhook_id: int) -> ResponseReturnValue:
    registered = webhooks.rotate_secret(get_session(), me_(), webhook_id)
    return {**_webhook_json(registered.webhook), "secret": registered.secret}


@bp.post("/webhooks/<int:webhook_id>/test")
@operation("Send a test delivery", tag="webhooks", response=schema.Delivery, status=202, errors=(403,))
def test_webhook(webhook_id: int) -> ResponseReturnValue:
    return _delivery_json(webhooks.send_test(get_session(), me_(), webhook_id))


@bp.get("/webhooks/<int:webhook_id>/deliveries")
@operation(
    "A webhook's deliveries and their attempts, newest first",
    tag="webhooks",
    query=PageQuery,
    response=Page[schema.Delivery],
)
def webhook_deliveries(webhook_id: int) -> ResponseReturnValue:
    return paged(webhooks.delivery_log(get_session(), me_(), webhook_id, window()), _delivery_json)
