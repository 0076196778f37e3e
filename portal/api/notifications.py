"""Notifications, e-mail choices and the organisation's webhooks over the API."""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, request
from flask.typing import ResponseReturnValue

from portal import notification_texts
from portal.api import _body, bp, me_
from portal.db import get_session
from portal.i18n import speaking_to
from portal.models import Notification, OutboxMessage, Webhook
from portal.services import notifications, webhooks
from portal.services.errors import Invalid


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


def _int_arg(name: str) -> int | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    if not raw.isdigit():
        raise Invalid(f"{name} must be a whole number.", {name: "A whole number is required."})
    return int(raw)


@bp.get("/notifications")
def list_notifications() -> ResponseReturnValue:
    limit = _int_arg("limit")
    if limit is None:
        limit = notifications.INBOX_PAGE
    page = notifications.inbox(get_session(), me_(), _int_arg("before"), limit)
    return jsonify(items=[_notification_json(n) for n in page.items], unread=page.unread, before=page.before)


@bp.post("/notifications/<int:notification_id>/read")
def read_notification(notification_id: int) -> ResponseReturnValue:
    return jsonify(_notification_json(notifications.open_notification(get_session(), me_(), notification_id)))


@bp.post("/notifications/read-all")
def read_all_notifications() -> ResponseReturnValue:
    return jsonify(marked=notifications.mark_all_read(get_session(), me_()))


def _choices_json(choices: dict[Any, bool]) -> dict[str, Any]:
    return {"email": {kind.value: on for kind, on in choices.items()}}


@bp.get("/me/email-notifications")
def email_choices() -> ResponseReturnValue:
    return jsonify(_choices_json(notifications.email_choices(get_session(), me_())))


@bp.put("/me/email-notifications")
def set_email_choices() -> ResponseReturnValue:
    wanted = _body().get("email")
    if not isinstance(wanted, list) or not all(isinstance(k, str) for k in wanted):
        raise Invalid("email must be a list of notification kinds.", {"email": "Not a list of kinds."})
    return jsonify(_choices_json(notifications.set_email_choices(get_session(), me_(), wanted)))


@bp.get("/webhooks")
def list_webhooks() -> ResponseReturnValue:
    return jsonify(items=[_webhook_json(h) for h in webhooks.list_webhooks(get_session(), me_())])


@bp.post("/webhooks")
def register_webhook() -> ResponseReturnValue:
    webhooks.require_org_admin(me_())
    url = _body().get("url")
    if not isinstance(url, str):
        raise Invalid("url must be a string.", {"url": "Not a string."})
    allow_private = current_app.config["SETTINGS"].webhook_allow_private
    registered = webhooks.register(get_session(), me_(), url, allow_private)
    return jsonify({**_webhook_json(registered.webhook), "secret": registered.secret}), 201


@bp.delete("/webhooks/<int:webhook_id>")
def remove_webhook(webhook_id: int) -> ResponseReturnValue:
    webhooks.remove(get_session(), me_(), webhook_id)
    return "", 204


@bp.post("/webhooks/<int:webhook_id>/secret")
def rotate_webhook_secret(webhook_id: int) -> ResponseReturnValue:
    registered = webhooks.rotate_secret(get_session(), me_(), webhook_id)
    return jsonify({**_webhook_json(registered.webhook), "secret": registered.secret})


@bp.post("/webhooks/<int:webhook_id>/test")
def test_webhook(webhook_id: int) -> ResponseReturnValue:
    return jsonify(_delivery_json(webhooks.send_test(get_session(), me_(), webhook_id))), 202


@bp.get("/webhooks/<int:webhook_id>/deliveries")
def webhook_deliveries(webhook_id: int) -> ResponseReturnValue:
    log = webhooks.delivery_log(get_session(), me_(), webhook_id)
    return jsonify(items=[_delivery_json(m) for m in log])
