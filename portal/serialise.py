"""JSON shapes of the API (and the page uploader), in one place."""

from __future__ import annotations

import base64
from typing import Any

from portal.models import Case, Complaint, CustodyEvent, EvidenceItem, IPRight, Organisation, User
from portal.services.cases import TimelineEntry
from portal.services.receipts import ReceiptView


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def user_json(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "role": user.role.value,
        "language": user.language,
        "organisation": org_json(user.organisation) if user.organisation else None,
    }


def org_json(org: Organisation) -> dict[str, Any]:
    return {
        "id": org.id,
        "legal_name": org.legal_name,
        "legal_name_latin": org.legal_name_latin,
        "country": org.country,
        "foreign": org.is_foreign,
        "status": org.status.value,
    }


def right_json(right: IPRight) -> dict[str, Any]:
    return {
        "id": right.id,
        "type": right.right_type.value,
        "registration_number": right.registration_number,
        "registry": right.registry_name,
        "owner": right.owner,
        "valid_from": _iso(right.valid_from),
        "valid_until": _iso(right.valid_until),
        "scope": right.scope,
    }


def evidence_json(item: EvidenceItem) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": item.id,
        "complaint_id": item.complaint_id,
        "sha256": item.sha256,
        "size": item.size,
        "media_type": item.media_type,
        "filename": item.filename,
        "kind": item.kind.value,
        "description": item.description,
        "collected_at": _iso(item.collected_at),
        "collected_where": item.collected_where,
        "translation_of": item.translation_of_id,
        "received_at": _iso(item.received_at),
    }
    if item.phash is not None:
        body.update(phash=item.phash, dhash=item.dhash, width=item.width, height=item.height)
    return body


def custody_json(event: CustodyEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "action": event.action.value,
        "actor_id": event.actor_id,
        "at": _iso(event.at),
        "outcome": event.outcome,
        "details": event.details,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }


def complaint_json(complaint: Complaint, evidence: list[EvidenceItem] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": complaint.id,
        "reference": complaint.reference,
        "status": complaint.status.value,
        "organisation": org_json(complaint.organisation),
        "title": complaint.title,
        "facts": complaint.facts,
        "rights": [right_json(r) for r in complaint.rights],
        "infringers": [
            {"name": i.name, "address": i.address, "shop_urls": i.url_list, "platform": i.platform}
            for i in complaint.infringers
        ],
        "discovered_on": _iso(complaint.discovered_on),
        "discovery_method": complaint.discovery_method,
        "illegal_volume": str(complaint.illegal_volume) if complaint.illegal_volume is not None else None,
        "units": complaint.units,
        "currency": complaint.currency,
        "language": complaint.language,
        "case_id": complaint.case_id,
        "decline_reason": complaint.decline_reason or None,
        "information_requests": [
            {
                "message": r.message,
                "due": _iso(r.due_on),
                "requested_at": _iso(r.requested_at),
                "reply": r.reply or None,
                "replied_at": _iso(r.replied_at),
            }
            for r in complaint.info_requests
        ],
        "created_at": _iso(complaint.created_at),
        "submitted_at": _iso(complaint.submitted_at),
        "decided_at": _iso(complaint.decided_at),
    }
    if evidence is not None:
        body["evidence"] = [evidence_json(item) for item in evidence]
    return body


def case_json(case: Case, timeline: list[TimelineEntry], complaints: list[Complaint]) -> dict[str, Any]:
    return {
        "id": case.id,
        "case_number": case.case_number,
        "procuratorate": case.procuratorate,
        "charges": case.charges,
        "stage": case.stage.value,
        "prosecutor": case.prosecutor.email,
        "timeline": [
            {"stage": t.stage.value, "date": _iso(t.occurred_on), "note": t.note or None, "shared": t.note_shared}
            for t in timeline
        ],
        "complaints": [{"id": c.id, "reference": c.reference, "title": c.title} for c in complaints],
    }


def receipt_json(view: ReceiptView) -> dict[str, Any]:
    receipt, proven, token = view.receipt, view.proof, view.token
    proof = proven.proof
    return {
        "receipt": view.record,
        "receipt_canonical": receipt.body.decode(),
        "signature": base64.b64encode(receipt.signature).decode(),
        "key_fingerprint": receipt.key_fingerprint,
        "timestamps_enabled": view.timestamps_on,
        "timestamp": None
        if receipt.timestamp_token is None
        else {
            "token": base64.b64encode(receipt.timestamp_token).decode(),
            "time": _iso(token.gen_time) if token else None,
            "tsa": token.tsa_name if token else None,
        },
        "log": {
            "index": receipt.log_index,
            "status": "pending" if proof is None else "included",
            "tree_size": proven.tree_size,
            "tlog_proof": proof.format() if proof else None,
        },
    }
