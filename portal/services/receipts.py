"""Signed receipts for evidence items, and the RFC 3161 tokens over their files."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from evidence.keys import KeyDirectory, fingerprint
from evidence.records import RECEIPT_TYPE, canonical
from evidence.signatures import sign
from evidence.signed_note import Signer
from evidence.timestamps import TimestampClient, TimestampError, TokenInfo, verify_token
from portal.models import EvidenceItem, LogEntry, Receipt, User
from portal.services import transparency
from portal.services.access import get_evidence
from portal.services.errors import Conflict


@dataclass(frozen=True)
class Notary:
    """What signs and timestamps: the key directory, the log's name, the TSA if any."""

    keys: KeyDirectory
    origin: str
    timestamps: TimestampClient | None

    def checkpoint_signer(self) -> Signer:
        return self.keys.signer("checkpoint", self.origin)


def receipt_record(item: EvidenceItem, origin: str, key_fingerprint: str) -> dict[str, Any]:
    complaint = item.complaint
    organisation = complaint.organisation
    return {
        "type": RECEIPT_TYPE,
        "log": origin,
        "evidence_id": item.id,
        "complaint": complaint.reference,
        "filename": item.filename,
        "size": item.size,
        "media_type": item.media_type,
        "hashes": {"sha256": item.sha256, "sha512": item.sha512, "sm3": item.sm3},
        "received_at": item.received_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "uploaded_by": {"id": item.uploaded_by_id, "email": item.uploaded_by.email},
        "organisation": {"id": organisation.id, "name": organisation.legal_name},
        "signing_key": key_fingerprint,
    }


def issue(session: Session, notary: Notary, item: EvidenceItem) -> Receipt:
    """Sign the item's receipt and log it (the caller commits)."""
    key = notary.keys.private_key("receipt")
    key_fingerprint = fingerprint(key.public_key())
    body = canonical(receipt_record(item, notary.origin, key_fingerprint))
    entry = transparency.append(session, "receipt", body, evidence_id=item.id)
    receipt = Receipt(
        evidence_id=item.id,
        body=body,
        signature=sign(key, body),
        key_fingerprint=key_fingerprint,
        log_index=entry.index,
    )
    session.add(receipt)
    return receipt


def stamp(session: Session, notary: Notary, receipt: Receipt) -> bool:
    """Ask the TSA for a token over the file's SHA-256; False when it could not be had."""
    if notary.timestamps is None or receipt.timestamp_token is not None:
        return False
    try:
        token, _info = notary.timestamps.stamp(bytes.fromhex(receipt.item.sha256))
    except TimestampError:
        return False
    receipt.timestamp_token = token
    session.commit()
    return True


def stamp_missing(session: Session, notary: Notary, limit: int = 200) -> int:
    """Fill tokens the TSA could not give at upload time."""
    if notary.timestamps is None:
        return 0
    waiting = session.scalars(select(Receipt).where(Receipt.timestamp_token.is_(None)).limit(limit)).all()
    return sum(stamp(session, notary, receipt) for receipt in waiting)


@dataclass(frozen=True)
class ReceiptView:
    item: EvidenceItem
    receipt: Receipt
    record: dict[str, Any]
    proof: transparency.Proven
    token: TokenInfo | None
    timestamps_on: bool


def token_info(notary: Notary, receipt: Receipt) -> TokenInfo | None:
    if receipt.timestamp_token is None or notary.timestamps is None:
        return None
    try:
        return verify_token(receipt.timestamp_token, bytes.fromhex(receipt.item.sha256), list(notary.timestamps.roots))
    except TimestampError:
        return None


def view(session: Session, notary: Notary, actor: User, evidence_id: int) -> ReceiptView:
    item = get_evidence(session, actor, evidence_id)
    receipt = session.get(Receipt, item.id)
    if receipt is None:
        raise Conflict("This item was received before receipts were issued; it has none.")
    entry = session.get(LogEntry, receipt.log_index)
    assert entry is not None
    proof = transparency.prove(session, entry, transparency.latest_checkpoint(session))
    return ReceiptView(
        item, receipt, json.loads(receipt.body), proof, token_info(notary, receipt), notary.timestamps is not None
    )
