"""Evidence items: their details on upload, what is recorded of them, verification and custody."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from portal.models import EvidenceKind
from portal.schemas.base import Id, Input, Output, Sha256, Text


class EvidenceFields(Input):
    """Sent as query parameters with a raw body, or as form fields beside a multipart ``file``."""

    kind: EvidenceKind = EvidenceKind.OTHER
    description: Text = Field("", max_length=5000, examples=["Handbag bought on 1 March, front view"])
    collected_at: datetime | None = Field(
        None, description="When it was collected; UTC if no offset is given.", examples=["2026-03-01T14:30:00+08:00"]
    )
    collected_where: Text = Field("", max_length=300, examples=["Taobao shop 12345"])
    translation_of: Id | None = Field(None, description="The item of this complaint that this item translates.")


class Damage(Output):
    outcome: Literal["mismatch", "missing"]
    found_sha256: str | None
    detected_via: Literal["scrub", "download", "export", "verify"]
    detected_at: datetime


class Evidence(Output):
    id: Id
    complaint_id: int | None
    sha256: Sha256
    size: int = Field(ge=0)
    media_type: str = Field(description="As detected from the content (libmagic).", examples=["image/jpeg"])
    filename: str
    kind: EvidenceKind
    description: str
    collected_at: datetime | None
    collected_where: str
    translation_of: int | None
    received_at: datetime
    phash: str | None = Field(None, description="Pictures: 64-bit perceptual hash, hex.")
    dhash: str | None = Field(None, description="Pictures: 64-bit difference hash, hex.")
    width: int | None = None
    height: int | None = None
    damage: Damage | None = Field(
        None,
        description="Present when the stored copy is known damaged (GET /evidence/{id} only): downloads and "
        "bundles refuse it until an upload of the same file, or the operator, repairs it.",
    )
    file_metadata: dict[str, Any] | None = Field(
        None, description="Read from the file itself once analysed (EXIF, PDF information, video container)."
    )
    pictures: int | None = Field(None, description="Once analysed: pictures taken from it (pages, key frames).")
    analysis_error: str | None = Field(None, description="Once analysed: why the file could not be analysed.")


class Verification(Output):
    id: Id
    outcome: Literal["ok", "mismatch", "missing"]
    ok: bool
    recorded_sha256: Sha256
    computed_sha256: str | None
    size: int | None
    verified_at: datetime


class CustodyEvent(Output):
    seq: int
    action: str
    actor_id: int | None
    at: datetime
    outcome: str
    details: dict[str, Any]
    prev_hash: str
    hash: str


class Custody(Output):
    events: list[CustodyEvent]
    chain_ok: bool
    problems: list[str]


class ReceiptTimestamp(Output):
    token: str = Field(description="The RFC 3161 token, base64.")
    time: datetime | None
    tsa: str | None


class ReceiptLog(Output):
    index: int | None
    status: Literal["pending", "included"]
    tree_size: int | None
    tlog_proof: str | None


class Receipt(Output):
    receipt: dict[str, Any] = Field(description="The signed record.")
    receipt_canonical: str = Field(description="The record as signed: RFC 8785 canonical JSON.")
    signature: str = Field(description="Ed25519 over receipt_canonical, base64.")
    key_fingerprint: str
    timestamps_enabled: bool
    timestamp: ReceiptTimestamp | None
    log: ReceiptLog
