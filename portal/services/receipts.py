"""Signed receipts for evidence items, and the RFC 3161 tokens over their files."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.serialization import Encoding
from sqlalchemy import select
from sqlalchemy.orm import Session

from evidence import bundle
from evidence.keys import ROLES, KeyDirectory, PublicKeyInfo, fingerprint, public_pem
from evidence.records import RECEIPT_TYPE, canonical, utc_timestamp
from evidence.signatures import sign
from evidence.signed_note import Signer, Verifier
from evidence.timestamps import TimestampClient, TimestampError, TokenInfo, verify_token
from portal.models import EvidenceItem, LogCheckpoint, LogEntry, Receipt, User
from portal.services import transparency
from portal.services.access import get_evidence
from portal.services.errors import Conflict


@dataclass(frozen=True)
class Notary:
    """What signs and timestamps: the key directory, the log's name, the TSA if any."""

    keys: KeyDirectory
    origin: str
    timestamps: TimestampClient | None

    def timestamp(self, data: bytes) -> bytes | None:
        """An RFC 3161 token over SHA-256(``data``), or None: no TSA configured, or it failed this time."""
        return self.timestamp_digest(hashlib.sha256(data).digest())

    def timestamp_digest(self, sha256_digest: bytes) -> bytes | None:
        if self.timestamps is None:
            return None
        try:
            token, _info = self.timestamps.stamp(sha256_digest)
        except TimestampError:
            return None
        return token

    def token_info(self, token: bytes | None, sha256_digest: bytes) -> TokenInfo | None:
        """What a stored token says (time, TSA), if it still checks out against the TSA root."""
        if token is None or self.timestamps is None:
            return None
        try:
            return verify_token(token, sha256_digest, list(self.timestamps.roots))
        except TimestampError:
            return None

    def published_keys(self) -> list[tuple[PublicKeyInfo, str | None]]:
        """Every active and retired public key, with the C2SP verifier key for checkpoint keys."""
        return [
            (info, Verifier(self.origin, info.public_key).encode() if role == "checkpoint" else None)
            for role in ROLES
            for info in self.keys.public_keys(role)
        ]

    def trust_file(self) -> str:
        """The published keys and the TSA root in one file, for ``evidence-verify --trust``."""
        parts = []
        for info, verifier_key in self.published_keys():
            parts.append(f"# {info.role} key, SHA-256 fingerprint {info.fingerprint}\n")
            parts.append(verifier_key + "\n" if verifier_key else public_pem(info.public_key))
        if self.timestamps is not None:
            parts.append("# TSA root certificate\n")
            parts += [root.public_bytes(Encoding.PEM).decode() for root in self.timestamps.roots]
        return "".join(parts)

    def checkpoint_signers(self) -> list[Signer]:
        """The active checkpoint key, then any retired one still co-signing."""
        return [self.keys.signer("checkpoint", self.origin), *self.keys.co_signers("checkpoint", self.origin)]

    def key_files(self) -> dict[str, bytes]:
        """Copies of the public keys and the TSA root, for people who verify (not trust anchors)."""
        receipt_key = self.keys.private_key("receipt").public_key()
        checkpoint_key = self.keys.private_key("checkpoint").public_key()
        files = {
            bundle.RECEIPT_KEY: public_pem(receipt_key).encode(),
            bundle.CHECKPOINT_KEY: (Verifier(self.origin, checkpoint_key).encode() + "\n").encode(),
            bundle.CHECKPOINT_PEM: public_pem(checkpoint_key).encode(),
        }
        if self.timestamps is not None:
            files[bundle.TSA_CA] = b"".join(root.public_bytes(Encoding.PEM) for root in self.timestamps.roots)
        return files


KEY_TYPE = "ip-evidence-portal/key@v1"


def record_keys(session: Session, notary: Notary) -> None:
    """Log each role's active key the first time it signs, so the log says which key was valid when."""
    transparency.lock(session)  # two workers must not both log the same change
    logged: dict[str, str] = {}
    for data in session.scalars(select(LogEntry.data).where(LogEntry.kind == "key").order_by(LogEntry.index)):
        record = json.loads(data)
        logged[record["role"]] = record["fingerprint"]
    for role in ROLES:
        active = fingerprint(notary.keys.private_key(role).public_key())
        if logged.get(role) != active:
            record = {"type": KEY_TYPE, "role": role, "fingerprint": active, "replaces": logged.get(role)}
            transparency.append(session, "key", canonical({**record, "from": utc_timestamp(datetime.now(UTC))}))
    session.commit()


def checkpoint(session: Session, notary: Notary) -> LogCheckpoint | None:
    """Log key changes, then sign a checkpoint if the log grew (None if it did not)."""
    record_keys(session, notary)
    return transparency.make_checkpoint(session, notary.checkpoint_signers(), notary.origin, notary.timestamp)


def receipt_record(item: EvidenceItem, origin: str, key_fingerprint: str) -> dict[str, Any]:
    organisation = item.organisation
    return {
        "type": RECEIPT_TYPE,
        "log": origin,
        "evidence_id": item.id,
        "complaint": item.complaint.reference if item.complaint else None,
        "filename": item.filename,
        "size": item.size,
        "media_type": item.media_type,
        "hashes": {"sha256": item.sha256, "sha512": item.sha512, "sm3": item.sm3},
        "received_at": utc_timestamp(item.received_at),
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
    if receipt.timestamp_token is not None:
        return False
    token = notary.timestamp_digest(bytes.fromhex(receipt.item.sha256))
    if token is None:
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
    return notary.token_info(receipt.timestamp_token, bytes.fromhex(receipt.item.sha256))


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


def receipt_files(notary: Notary, view: ReceiptView) -> dict[str, bytes]:
    """The receipt ZIP's contents: the signed JSON, its signature, the proof and token when they exist."""
    receipt = view.receipt
    files = {"receipt.json": receipt.body, "receipt.json.sig": receipt.signature}
    if view.proof.proof is not None:
        files["receipt.tlog-proof"] = view.proof.proof.format().encode()
    if receipt.timestamp_token is not None:
        files["original.tsr"] = receipt.timestamp_token
    return {**files, **notary.key_files(), "VERIFY.md": receipt_verify_md(view).encode()}


def verify_commands(view: ReceiptView) -> str:
    """Shell commands, standard tools only, that check the receipt ZIP (unpacked) and the original."""
    name = view.item.filename.replace('"', '\\"').replace("$", "\\$").replace("`", "\\`")
    lines = [
        f'ORIGINAL="{name}"   # the file you handed over / 您提交的原始文件',
        "",
        "# 1. The file is what the portal received / 文件与门户接收的一致",
        'sha256sum "$ORIGINAL"; sha512sum "$ORIGINAL"; openssl dgst -sm3 "$ORIGINAL"',
        "grep -o '\"hashes\":{[^}]*}' receipt.json",
        "",
        "# 2. The portal signed this receipt (Ed25519) / 回执由门户签名",
        "openssl pkeyutl -verify -pubin -inkey keys/receipt.pem -rawin -in receipt.json -sigfile receipt.json.sig",
    ]
    if view.receipt.timestamp_token is not None:
        lines += [
            "",
            "# 3. An independent TSA saw the file's SHA-256 at that time (RFC 3161) / 可信时间戳",
            'openssl ts -verify -data "$ORIGINAL" -in original.tsr -CAfile keys/tsa-ca.pem',
        ]
    lines += [
        "",
        "# 4. The receipt is an entry of the transparency log / 回执已记入透明日志",
        'evidence-verify receipt.zip --file "$ORIGINAL"',
    ]
    return "\n".join(lines) + "\n"


def receipt_verify_md(view: ReceiptView) -> str:
    return (
        f"# Receipt for evidence item {view.item.id} / 证据 {view.item.id} 的回执\n\n"
        "Compare the fingerprints of `keys/` with those the portal publishes on its Keys page before relying "
        "on them. / 使用前请将 `keys/` 中的指纹与门户“密钥”页面公布的指纹核对。\n\n"
        "```sh\n" + verify_commands(view) + "```\n"
    )
