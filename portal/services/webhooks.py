"""Organisations' webhooks: registration by an org admin, test events, the delivery log."""

from __future__ import annotations

import base64
import ipaddress
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.models import Channel, EventKind, OutboxMessage, User, Webhook
from portal.services import paging
from portal.services.access import require_org_admin
from portal.services.errors import Invalid, NotFound
from portal.services.paging import Page, Window

MAX_HOOKS = 5
LOG_LENGTH = 50


def new_secret() -> str:
    """A Standard Webhooks secret: whsec_ and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def check_url(url: str, allow_private: bool) -> str:
    """An absolute http(s) URL without credentials, and outside private networks unless allowed."""
    url = url.strip()
    parts = urlsplit(url)
    if len(url) > 500 or parts.scheme not in {"http", "https"} or not parts.hostname:
        raise Invalid("Give an http:// or https:// URL of at most 500 characters.", {"url": "Not a web address."})
    if parts.username or parts.password:
        raise Invalid("Do not put credentials in the URL; check the signature instead.", {"url": "Has credentials."})
    try:
        address = ipaddress.ip_address(parts.hostname)
    except ValueError:
        address = None
    if address is not None and not address.is_global and not allow_private:
        raise Invalid("Webhooks cannot be sent to private or local addresses.", {"url": "Private address."})
    return url


@dataclass(frozen=True)
class Registered:
    webhook: Webhook
    secret: str


def register(session: Session, actor: User, url: str, allow_private: bool) -> Registered:
    org_id = require_org_admin(actor)
    url = check_url(url, allow_private)
    active = list_webhooks(session, actor).items
    if len(active) >= MAX_HOOKS:
        raise Invalid("An organisation can have at most %(max)d webhooks; remove one first.", max=MAX_HOOKS)
    hook = Webhook(org_id=org_id, url=url, secret=new_secret(), created_by_id=actor.id)
    session.add(hook)
    session.commit()
    return Registered(hook, hook.secret)


def list_webhooks(session: Session, actor: User, window: Window | None = None) -> Page[Webhook]:
    org_id = require_org_admin(actor)
    query = select(Webhook).where(Webhook.org_id == org_id, Webhook.active.is_(True))
    return paging.rows(session, query, Webhook.id, window, newest_first=False)


def get_webhook(session: Session, actor: User, webhook_id: int) -> Webhook:
    org_id = require_org_admin(actor)
    hook = session.get(Webhook, webhook_id)
    if hook is None or hook.org_id != org_id or not hook.active:
        raise NotFound("There is no such webhook.")
    return hook


def remove(session: Session, actor: User, webhook_id: int) -> None:
    """Stop sending to the URL; its delivery log stays, and queued calls are dropped by the worker."""
    get_webhook(session, actor, webhook_id).active = False
    session.commit()


def rotate_secret(session: Session, actor: User, webhook_id: int) -> Registered:
    hook = get_webhook(session, actor, webhook_id)
    hook.secret = new_secret()
    session.commit()
    return Registered(hook, hook.secret)


def send_test(session: Session, actor: User, webhook_id: int) -> OutboxMessage:
    hook = get_webhook(session, actor, webhook_id)
    message = OutboxMessage(
        channel=Channel.WEBHOOK,
        kind=EventKind.TEST,
        webhook=hook,
        body={"message": "A test event sent from the IP evidence portal.", "requested_by": actor.email},
    )
    session.add(message)
    session.commit()
    return message


def delivery_log(session: Session, actor: User, webhook_id: int, window: Window | None = None) -> Page[OutboxMessage]:
    """Calls to this webhook, newest first, each with its attempts; the latest LOG_LENGTH without a window."""
    hook = get_webhook(session, actor, webhook_id)
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.webhook_id == hook.id)
        .options(selectinload(OutboxMessage.attempt_log))
    )
    return paging.rows(session, query, OutboxMessage.id, window or Window(None, LOG_LENGTH))
