"""Idempotency keys (IETF httpapi-idempotency-key-header): a creating request retried over a broken link
is answered as the first one was, and never creates twice.

The key is recorded, in its own transaction, before the request does anything; the answer is recorded
once the request has succeeded. A key is for one request: the same key with another request is refused.
A key is kept for a day. A request that failed frees its key, so that a retry can try again.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.models import IdempotentRequest, utcnow
from portal.services.errors import Conflict, Invalid

KEPT = timedelta(hours=24)
# A first request still unanswered after this long has died with its worker; its key is free again.
ABANDONED = timedelta(minutes=15)
MAX_KEY = 255
KEY_PATTERN = "^[ -~]+$"  # printable ASCII, as a header value can carry it
CLAIM_ATTEMPTS = 3


@dataclass(frozen=True)
class Replay:
    status: int
    body: bytes


def fingerprint(*parts: bytes | str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


def _check_key(key: str) -> None:
    if not key or len(key) > MAX_KEY or not re.fullmatch(KEY_PATTERN, key):
        raise Invalid(
            "The Idempotency-Key must be 1 to %(max)d printable ASCII characters.",
            {"Idempotency-Key": "Not a usable key."},
            max=MAX_KEY,
        )


def begin(session: Session, user_id: int, key: str, print_: str) -> Replay | None:
    """Claim ``key`` for this request; or the earlier answer to replay; or refuse a clash."""
    _check_key(key)
    # A claim fails only while another request holds the key. If that request fails and frees the key
    # before we read it, we claim again, a bounded number of times.
    for _ in range(CLAIM_ATTEMPTS):
        if _claim(session, user_id, key, print_):
            return None
        earlier = session.scalar(
            select(IdempotentRequest).where(IdempotentRequest.user_id == user_id, IdempotentRequest.key == key)
        )
        if earlier is not None:
            break
    else:
        raise Conflict("A request with this Idempotency-Key is still being answered; retry it shortly.")
    if earlier.fingerprint != print_:
        raise Invalid(
            "This Idempotency-Key was used for a different request; use a new key for a new request.",
            {"Idempotency-Key": "Used for a different request."},
        )
    if earlier.status is None or earlier.body is None:
        raise Conflict("A request with this Idempotency-Key is still being answered; retry it shortly.")
    return Replay(earlier.status, earlier.body)


def _claim(session: Session, user_id: int, key: str, print_: str) -> bool:
    now = utcnow()
    session.execute(
        delete(IdempotentRequest).where(
            IdempotentRequest.user_id == user_id,
            IdempotentRequest.key == key,
            (IdempotentRequest.created_at < now - KEPT)
            | (IdempotentRequest.status.is_(None) & (IdempotentRequest.created_at < now - ABANDONED)),
        )
    )
    session.add(IdempotentRequest(user_id=user_id, key=key, fingerprint=print_, created_at=now))
    try:
        session.commit()
        return True
    except IntegrityError:
        session.rollback()
        return False


def finish(session: Session, user_id: int, key: str, status: int, body: bytes) -> None:
    record = session.get(IdempotentRequest, (user_id, key))
    if record is not None:
        record.status, record.body = status, body
        session.commit()


def release(session: Session, user_id: int, key: str) -> None:
    """The request failed: a retry with the same key tries again."""
    session.rollback()
    session.execute(
        delete(IdempotentRequest).where(
            IdempotentRequest.user_id == user_id, IdempotentRequest.key == key, IdempotentRequest.status.is_(None)
        )
    )
    session.commit()
