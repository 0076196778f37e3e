"""JSON shapes of the API (and the page uploader), in one place."""

from __future__ import annotations

import base64
from typing import Any

from portal.models import (
    AccountEvent,
    ApiToken,
    BatchRow,
    Case,
    CaseDocument,
    CaseRequest,
    Complaint,
    CustodyEvent,
    DamagedObject,
    EvidenceItem,
    FilingBatch,
    Hearing,
    Invitation,
    IPRight,
    LoginSession,
    Notice,
    Organisation,
    PowerOfAttorney,
    Submission,
    User,
    utcnow,
)
from portal.services import batches
from portal.services.batches import message_of
from portal.services.cases import TimelineEntry
from portal.services.deadlines import Deadline
from portal.services.receipts import ReceiptView
from portal.services.related import Cluster, Related
from portal.user_agents import describe_browser


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def member_json(user: User) -> dict[str, Any]:
    assert user.org_role is not None
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "role": user.org_role.value,
        "since": user.created_at.isoformat(),
    }


def invitation_json(invitation: Invitation) -> dict[str, Any]:
    return {
        "id": invitation.id,
        "email": invitation.email,
        "role": (invitation.org_role or invitation.role).value,
        "created_at": invitation.created_at.isoformat(),
        "expires_at": invitation.expires_at.isoformat() if invitation.expires_at else None,
    }


def browser_session_json(record: LoginSession) -> dict[str, Any]:
    return {
        "id": record.id,
        "browser": describe_browser(record.user_agent),
        "address": record.address,
        "signed_in_at": record.created_at.isoformat(),
        "last_seen_at": record.last_seen_at.isoformat(),
    }


def account_event_json(event: AccountEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "at": event.at.isoformat(),
        "kind": event.kind.value,
        "account": event.user.email if event.user else event.detail.get("email"),
        "by": event.actor.email if event.actor else None,
        "address": event.address,
        "detail": event.detail,
    }


def token_json(token: ApiToken) -> dict[str, Any]:
    return {
        "id": token.id,
        "name": token.name,
        "owner": token.user.email,
        "scopes": token.scopes,
        "created_at": token.created_at.isoformat(),
        "expires_at": token.expires_at.isoformat(),
        "expired": token.expires_at <= utcnow(),
        "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None,
    }


def user_json(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "role": user.role.value,
        "language": user.language,
        "timezone": user.timezone,
        "email_verified": user.email_verified_at is not None,
        "two_factor": user.totp_secret is not None,
        "organisation_admin": user.is_org_admin,
        "organisation_role": user.org_role.value if user.org_role else None,
        "version": user.version,
        "organisation": org_json(user.organisation) if user.organisation else None,
    }


def org_json(org: Organisation) -> dict[str, Any]:
    return {
        "id": org.id,
        "legal_name": org.legal_name,
        "legal_name_latin": org.legal_name_latin,
        "country": org.country,
        "foreign": org.is_foreign,
        "kind": org.kind.value,
        "status": org.status.value,
        "require_two_factor": org.require_two_factor,
    }


def right_json(right: IPRight) -> dict[str, Any]:
    return {
        "id": right.id,
        "org_id": right.org_id,
        "type": right.right_type.value,
        "registration_number": right.registration_number,
        "registry": right.registry_name,
        "owner": right.owner,
        "valid_from": _iso(right.valid_from),
        "valid_until": _iso(right.valid_until),
        "scope": right.scope,
        "retired_at": _iso(right.retired_at),
        "version": right.version,
    }


def evidence_json(item: EvidenceItem, damage: DamagedObject | None = None) -> dict[str, Any]:
    """``damage``: the item's stored copy is known damaged (given only where someone asked for one item)."""
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
    if damage is not None:
        body["damage"] = {
            "outcome": damage.outcome,
            "found_sha256": damage.found_sha256,
            "detected_via": damage.detected_via,
            "detected_at": _iso(damage.detected_at),
        }
    if item.analysed_at is not None:
        # Read from the file itself (EXIF, PDF information, video container); never edited.
        body.update(file_metadata=item.media_meta, pictures=len(item.frames), analysis_error=item.analysis_error)
    return body


def _item_ref(item: EvidenceItem) -> dict[str, Any]:
    complaint = item.complaint
    return {
        "evidence_id": item.id,
        "filename": item.filename,
        "sha256": item.sha256,
        "complaint_id": item.complaint_id,
        "complaint_reference": complaint.reference if complaint else None,
        "organisation": item.organisation.legal_name,
        "case_id": complaint.case_id if complaint else None,
    }


def related_json(found: Related) -> dict[str, Any]:
    return {
        "evidence_id": found.item.id,
        "picture": found.frame,
        "other": {**_item_ref(found.other), "picture": found.other_frame},
        "identical": found.identical,
        "distance_bits": found.distance,
        "strength_percent": found.strength,
    }


def cluster_json(cluster: Cluster) -> dict[str, Any]:
    return {
        "id": cluster.id,
        "item_count": cluster.item_count,
        "complaint_count": cluster.complaint_count,
        "items": [_item_ref(item) for item in cluster.items],
        "complaint_ids": [c.id for c in cluster.complaints],
        "organisations": sorted({c.organisation.legal_name for c in cluster.complaints}),
        "case_ids": [c.id for c in cluster.cases],
        "closest_distance_bits": cluster.closest,
    }


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
        "version": complaint.version,
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


def document_json(document: CaseDocument, shared_with: list[int] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": document.id,
        "case_id": document.case_id,
        "kind": document.kind.value,
        "title": document.title,
        "filename": document.filename,
        "media_type": document.media_type,
        "size": document.size,
        "sha256": document.sha256,
        "created_at": _iso(document.created_at),
    }
    if shared_with is not None:
        body["shared_with"] = shared_with
    return body


def notice_json(notice: Notice) -> dict[str, Any]:
    return {
        "id": notice.id,
        "case_id": notice.case_id,
        "org_id": notice.org_id,
        "text_zh": notice.text_zh,
        "text_en": notice.text_en,
        "pdf_sha256": notice.document.sha256,
        "served_at": _iso(notice.served_at),
        "opened_at": _iso(notice.opened_at),
        "acknowledged_at": _iso(notice.acknowledged_at),
    }


def deadline_json(deadline: Deadline) -> dict[str, Any]:
    decision = deadline.decision
    return {
        "decision_id": decision.id,
        "decision": decision.kind.value,
        "decided_on": decision.decided_on.isoformat(),
        "served_on": decision.served_on.isoformat(),
        "summary": decision.summary,
        "due_on": decision.due_on.isoformat(),
        "due_provisional": decision.due_provisional,
        "days_left": deadline.days_left,
        "expired": deadline.expired,
        "action": deadline.action.value,
        "done_by": sorted(deadline.done_by),
    }


def request_json(request: CaseRequest, overdue: bool) -> dict[str, Any]:
    return {
        "id": request.id,
        "case_id": request.case_id,
        "org_id": request.org_id,
        "kind": request.kind.value,
        "message": request.message,
        "due_on": request.due_on.isoformat(),
        "created_at": _iso(request.created_at),
        "answered_at": _iso(request.answered_at),
        "overdue": overdue,
    }


def hearing_json(hearing: Hearing) -> dict[str, Any]:
    return {
        "id": hearing.id,
        "case_id": hearing.case_id,
        "status": hearing.status.value,
        "starts_at": _iso(hearing.starts_at),
        "duration_minutes": hearing.duration_minutes,
        "court": hearing.court,
        "room": hearing.room,
        "remote_url": hearing.remote_url,
        "interpreter": hearing.interpreter,
        "note": hearing.note,
        "cancel_reason": hearing.cancel_reason,
        "sequence": hearing.sequence,
    }


def submission_json(submission: Submission) -> dict[str, Any]:
    return {
        "id": submission.id,
        "case_id": submission.case_id,
        "org_id": submission.org_id,
        "kind": submission.kind.value,
        "body": submission.body,
        "request_id": submission.request_id,
        "hearing_id": submission.hearing_id,
        "decision_id": submission.decision_id,
        "submitted_by": submission.submitted_by.email,
        "submitted_at": _iso(submission.submitted_at),
        "sha256": submission.sha256,
        "log_index": submission.log_index,
    }


def power_json(power: PowerOfAttorney) -> dict[str, Any]:
    return {
        "id": power.id,
        "principal": org_json(power.principal),
        "agent": org_json(power.agent),
        "scopes": power.scopes,
        "valid_from": power.valid_from.isoformat(),
        "valid_until": power.valid_until.isoformat(),
        "evidence_id": power.evidence_id,
        "notarised_by": power.notarised_by,
        "notarised_on": _iso(power.notarised_on),
        "legalisation": power.legalisation,
        "granted_at": _iso(power.granted_at),
        "revoked_at": _iso(power.revoked_at),
    }


def batch_row_json(row: BatchRow) -> dict[str, Any]:
    return {
        "row": row.number,
        "state": row.state.value,
        "title": row.title,
        "principal": row.organisation.legal_name if row.organisation else None,
        "evidence": [wanted["name"] for wanted in row.values["evidence"]],
        "errors": [{"column": column, "message": message_of(error)} for column, error in row.errors.items()],
        "complaint_id": row.complaint_id,
        "complaint": row.complaint.reference if row.complaint else None,
    }


def batch_json(batch: FilingBatch) -> dict[str, Any]:
    counts = batches.counts(batch)
    return {
        "id": batch.id,
        "sheet": batch.sheet_name,
        "archive": batch.archive_name if batch.archive is not None else None,
        "submit": batch.submit,
        "created_at": batch.created_at,
        "filed_at": batch.filed_at,
        "counts": {"rows": len(batch.rows), **{state.value: count for state, count in counts.items()}},
        "rows": [batch_row_json(row) for row in batch.rows],
    }
