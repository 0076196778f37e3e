"""Webhook calls: JSON signed the Standard Webhooks way (HMAC-SHA256 over id, timestamp and body).

The receiver's address is resolved here and the connection goes to the
address that was checked, so a name cannot be re-pointed at a private
network between the check and the call.
"""

from __future__ import annotations

import ipaddress
import json
import socket
from datetime import UTC, datetime
from urllib.parse import urlsplit

import urllib3
from standardwebhooks.webhooks import Webhook as Signer

from portal import notification_texts
from portal.links import external_url
from portal.models import OutboxMessage
from portal.services.deliveries import DeliveryFailed
from portal.settings import Settings

USER_AGENT = "IP-Evidence-Portal-Webhooks/1"


def payload(message: OutboxMessage) -> bytes:
    data = dict(message.body)
    endpoint, values = notification_texts.target(data.get("case_id"), data.get("complaint_id"), staff=False)
    data["url"] = external_url(endpoint, **values)
    event = {"type": message.kind.value, "timestamp": message.created_at.isoformat(), "data": data}
    return json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode()


def _resolve(host: str, port: int, allow_private: bool) -> str:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise DeliveryFailed(f"Cannot resolve {host}: {exc}") from None
    addresses = [str(info[4][0]) for info in infos]
    if not allow_private and any(not ipaddress.ip_address(a).is_global for a in addresses):
        raise DeliveryFailed(f"{host} resolves to a private or local address; not sent.", permanent=True)
    return addresses[0]


def post(settings: Settings, message: OutboxMessage) -> int:
    hook = message.webhook
    assert hook is not None
    url = urlsplit(hook.url)
    host = url.hostname or ""
    port = url.port or (443 if url.scheme == "https" else 80)
    address = _resolve(host, port, settings.webhook_allow_private)
    body = payload(message)
    msg_id = f"msg_{message.id}"
    now = datetime.now(UTC)
    headers = {
        "Host": url.netloc,
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Signer(hook.secret).sign(msg_id, now, body.decode()),
    }
    timeout = urllib3.Timeout(total=settings.webhook_timeout)
    pool: urllib3.HTTPConnectionPool
    if url.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            address, port, server_hostname=host, assert_hostname=host, timeout=timeout, retries=False
        )
    else:
        pool = urllib3.HTTPConnectionPool(address, port, timeout=timeout, retries=False)
    target = (url.path or "/") + (f"?{url.query}" if url.query else "")
    try:
        with pool:
            # Only the status matters; the receiver's body is never read.
            response = pool.urlopen("POST", target, body=body, headers=headers, redirect=False, preload_content=False)
            response.release_conn()
    except urllib3.exceptions.TimeoutError:
        raise DeliveryFailed(f"No answer within {settings.webhook_timeout} s.") from None
    except urllib3.exceptions.HTTPError as exc:
        raise DeliveryFailed(f"Cannot connect: {exc}") from None
    if not 200 <= response.status < 300:
        raise DeliveryFailed(f"The receiver answered HTTP {response.status}.", status_code=response.status)
    return response.status
