"""The OpenAPI 3.1 description of /api/v1; a test checks it against the routes."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from portal.models import (
    AgencyScope,
    ComplaintStatus,
    DecisionKind,
    DeliveryStatus,
    DocumentKind,
    EventKind,
    EvidenceKind,
    HearingStatus,
    RequestKind,
    RightType,
    Stage,
    SubmissionKind,
)

ERRORS = {
    "400": "Malformed request (bad digest header, truncated upload)",
    "401": "Missing or invalid token",
    "403": "Not allowed for this user",
    "404": "No such object, or not visible to this user",
    "409": "Not possible in the object's current state",
    "413": "Upload larger than MAX_UPLOAD_BYTES",
    "415": "File type not accepted (the message names the detected type)",
    "422": "Invalid field values (see error.fields)",
    "503": "Evidence store unavailable",
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def _op(
    summary: str,
    ok: str,
    ok_schema: dict[str, Any] | None,
    errors: str,
    *,
    body: dict[str, Any] | None = None,
    params: list[dict[str, Any]] | None = None,
    ok_content: dict[str, Any] | None = None,
) -> dict[str, Any]:
    responses: dict[str, Any] = {ok: {"description": "Success", **(ok_content or _json(ok_schema or {}))}}
    for code in errors.split():
        responses[code] = {"description": ERRORS[code], **_json(_ref("Error"))}
    op: dict[str, Any] = {"summary": summary, "responses": responses}
    if body is not None:
        op["requestBody"] = {"required": True, **body}
    if params:
        op["parameters"] = params
    return op


def _path_id(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


def _query(name: str, schema: dict[str, Any], description: str = "") -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def _required_query(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": True, "schema": schema}


def _enum(kind: type[StrEnum]) -> dict[str, Any]:
    return {"type": "string", "enum": [m.value for m in kind]}


def spec() -> dict[str, Any]:
    s, i, n = {"type": "string"}, {"type": "integer"}, {"type": ["string", "null"]}
    cid, eid, kid = _path_id("complaint_id"), _path_id("evidence_id"), _path_id("case_id")
    upload_meta = [
        _query("kind", _enum(EvidenceKind)),
        _query("description", s),
        _query("collected_at", {"type": "string", "format": "date-time"}),
        _query("collected_where", s),
        _query("translation_of", i, "id of the item this translates"),
    ]
    schemas = {
        "Proof": {
            "type": "object",
            "description": "Base64 SHA-256 hashes in RFC 9162 order, with the sizes or index they are for",
            "properties": {"index": i, "size": i, "from": i, "to": i, "hashes": {"type": "array", "items": s}},
            "required": ["hashes"],
        },
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["code", "message"],
                    "properties": {"code": s, "message": s, "fields": {"type": "object", "additionalProperties": s}},
                }
            },
        },
        "User": {
            "type": "object",
            "properties": {"id": i, "email": s, "role": s, "language": s, "organisation": {"type": ["object", "null"]}},
        },
        "Infringer": {
            "type": "object",
            "required": ["name"],
            "properties": {"name": s, "address": s, "shop_urls": {"type": "array", "items": s}, "platform": s},
        },
        "ComplaintInput": {
            "type": "object",
            "properties": {
                "org_id": {**i, "description": "agents: the principal filed for (on creation)"},
                "title": s,
                "facts": s,
                "right_ids": {"type": "array", "items": i},
                "infringers": {"type": "array", "items": _ref("Infringer")},
                "discovered_on": {"type": "string", "format": "date"},
                "discovery_method": s,
                "illegal_volume": {"type": ["number", "string", "null"]},
                "units": {"type": ["integer", "null"]},
                "currency": s,
                "language": {"type": "string", "enum": ["en", "zh"]},
            },
        },
        "Complaint": {
            "type": "object",
            "properties": {
                "id": i,
                "reference": s,
                "status": _enum(ComplaintStatus),
                "title": s,
                "facts": s,
                "rights": {"type": "array"},
                "infringers": {"type": "array", "items": _ref("Infringer")},
                "case_id": {"type": ["integer", "null"]},
                "decline_reason": n,
                "information_requests": {"type": "array"},
                "evidence": {"type": "array", "items": _ref("Evidence")},
            },
        },
        "Evidence": {
            "type": "object",
            "required": ["id", "sha256", "size", "media_type", "filename", "received_at"],
            "properties": {
                "id": i,
                "complaint_id": i,
                "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                "size": i,
                "media_type": s,
                "filename": s,
                "kind": _enum(EvidenceKind),
                "description": s,
                "collected_at": n,
                "collected_where": s,
                "translation_of": {"type": ["integer", "null"]},
                "received_at": {"type": "string", "format": "date-time"},
                "phash": s,
                "dhash": s,
                "width": i,
                "height": i,
                "damage": {
                    "type": "object",
                    "description": "Present when the stored copy is known damaged (GET /evidence/{id} only): "
                    "downloads and bundles refuse it until an upload of the same file, or the operator, repairs it",
                    "required": ["outcome", "detected_via", "detected_at"],
                    "properties": {
                        "outcome": {"type": "string", "enum": ["mismatch", "missing"]},
                        "found_sha256": {"type": ["string", "null"]},
                        "detected_via": {"type": "string", "enum": ["scrub", "download", "export", "verify"]},
                        "detected_at": {"type": "string", "format": "date-time"},
                    },
                },
            },
        },
        "Verification": {
            "type": "object",
            "properties": {
                "id": i,
                "outcome": {"type": "string", "enum": ["ok", "mismatch", "missing"]},
                "ok": {"type": "boolean"},
                "recorded_sha256": s,
                "computed_sha256": n,
                "size": {"type": ["integer", "null"]},
                "verified_at": s,
            },
        },
        "Custody": {
            "type": "object",
            "properties": {
                "chain_ok": {"type": "boolean"},
                "problems": {"type": "array", "items": s},
                "events": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "seq": i,
                            "action": s,
                            "actor_id": {"type": ["integer", "null"]},
                            "at": s,
                            "outcome": s,
                            "details": {"type": "object"},
                            "prev_hash": s,
                            "hash": s,
                        },
                    },
                },
            },
        },
        "CaseInput": {
            "type": "object",
            "required": ["case_number", "procuratorate", "charges"],
            "properties": {
                "case_number": s,
                "procuratorate": s,
                "charges": s,
                "prosecutor_id": i,
                "stage": _enum(Stage),
                "opened_on": {"type": "string", "format": "date"},
            },
        },
        "Case": {
            "type": "object",
            "properties": {
                "id": i,
                "case_number": s,
                "procuratorate": s,
                "charges": s,
                "stage": _enum(Stage),
                "prosecutor": s,
                "timeline": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {"stage": _enum(Stage), "date": s, "note": n, "shared": {"type": "boolean"}},
                    },
                },
                "complaints": {"type": "array"},
            },
        },
        "Decision": {
            "type": "object",
            "required": ["action"],
            "properties": {
                "action": {"type": "string", "enum": ["accept", "decline", "request_information"]},
                "message": s,
                "due": {"type": "string", "format": "date"},
                "reason": s,
                "case_id": i,
                "case": _ref("CaseInput"),
            },
        },
        "StageInput": {
            "type": "object",
            "required": ["stage", "date"],
            "properties": {
                "stage": _enum(Stage),
                "date": {"type": "string", "format": "date"},
                "note": s,
                "shared": {"type": "boolean"},
            },
        },
    }
    upload_body = {
        "content": {
            "application/octet-stream": {"schema": {"type": "string", "contentMediaType": "application/octet-stream"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "contentMediaType": "application/octet-stream"}},
                }
            },
        }
    }
    upload_params = [
        {
            "name": "Content-Disposition",
            "in": "header",
            "required": False,
            "schema": s,
            "description": "For a raw body: attachment; filename*=UTF-8''<percent-encoded name> (RFC 6266)",
        },
        {
            "name": "Repr-Digest",
            "in": "header",
            "required": False,
            "schema": s,
            "description": "sha-256=:<base64>: (RFC 9530); a mismatch is refused",
        },
    ]
    paths: dict[str, Any] = {
        "/me": {"get": _op("The token's user", "200", _ref("User"), "401")},
        "/complaints": {
            "get": _op("The organisation's complaints", "200", _items_of("Complaint"), "401"),
            "post": _op(
                "Create a draft complaint", "201", _ref("Complaint"), "401 403 422", body=_json(_ref("ComplaintInput"))
            ),
        },
        "/complaints/{complaint_id}": {
            "parameters": [cid],
            "get": _op("A complaint with its evidence", "200", _ref("Complaint"), "401 404"),
            "patch": _op(
                "Change fields of a draft",
                "200",
                _ref("Complaint"),
                "401 403 404 409 422",
                body=_json(_ref("ComplaintInput")),
            ),
        },
        "/complaints/{complaint_id}/submit": {
            "parameters": [cid],
            "post": _op("Submit a draft for review", "200", _ref("Complaint"), "401 403 404 409 422"),
        },
        "/complaints/{complaint_id}/reply": {
            "parameters": [cid],
            "post": _op(
                "Answer the open request for information",
                "200",
                _ref("Complaint"),
                "401 403 404 409 422",
                body=_json({"type": "object", "required": ["reply"], "properties": {"reply": s}}),
            ),
        },
        "/complaints/{complaint_id}/evidence": {
            "parameters": [cid],
            "post": _op(
                "Upload one evidence file (raw body or multipart field 'file'), streamed and hashed",
                "201",
                _ref("Evidence"),
                "400 401 403 404 409 413 415 422 503",
                body=upload_body,
                params=upload_meta + upload_params,
            ),
        },
        "/complaints/{complaint_id}/decision": {
            "parameters": [cid],
            "post": _op(
                "Prosecutor's decision", "200", _ref("Complaint"), "401 403 404 409 422", body=_json(_ref("Decision"))
            ),
        },
        "/evidence/{evidence_id}": {
            "parameters": [eid],
            "get": _op("An evidence item (recorded as viewed)", "200", _ref("Evidence"), "401 404"),
        },
        "/evidence/{evidence_id}/content": {
            "parameters": [eid],
            "get": _op(
                "The file, as an attachment, checked against its SHA-256 as it streams: a damaged file breaks off "
                "before its last bytes and is recorded; 409 if it is known damaged or missing",
                "200",
                None,
                "401 404 409 503",
                ok_content={"content": {"application/octet-stream": {"schema": {"type": "string"}}}},
            ),
        },
        "/evidence/{evidence_id}/verify": {
            "parameters": [eid],
            "post": _op(
                "Re-read the stored object, recompute SHA-256, record the result",
                "200",
                _ref("Verification"),
                "401 404 503",
            ),
        },
        "/evidence/{evidence_id}/custody": {
            "parameters": [eid],
            "get": _op("The custody chain and whether it verifies", "200", _ref("Custody"), "401 404"),
        },
        "/evidence/{evidence_id}/receipt": {
            "parameters": [eid],
            "get": _op(
                "The item's signed receipt: a ZIP (receipt.json, its signature, RFC 3161 token, tlog-proof, "
                "keys, VERIFY.md), or JSON with Accept: application/json",
                "200",
                None,
                "401 404 409",
                ok_content={
                    "content": {
                        "application/zip": {"schema": {"type": "string"}},
                        "application/json": {"schema": {"type": "object"}},
                    }
                },
            ),
        },
        "/review/complaints": {
            "get": _op(
                "Review queue (prosecutors)",
                "200",
                {
                    "type": "object",
                    "properties": {
                        "items": {"type": "array", "items": _ref("Complaint")},
                        "total": i,
                        "page": i,
                        "per_page": i,
                        "pages": i,
                    },
                },
                "401 403 422",
                params=[
                    _query("status", _enum(ComplaintStatus)),
                    _query("foreign", {"type": "string", "enum": ["true", "false"]}),
                    _query("right_type", _enum(RightType)),
                    _query("order", {"type": "string", "enum": ["newest", "oldest"]}),
                    _query("page", i),
                    _query("per_page", {"type": "integer", "minimum": 1, "maximum": 100}),
                ],
            )
        },
        "/cases": {
            "get": _op("Cases the user may see", "200", _items_of("Case"), "401"),
            "post": _op("Open a case", "201", _ref("Case"), "401 403 409 422", body=_json(_ref("CaseInput"))),
        },
        "/cases/{case_id}": {
            "parameters": [kid],
            "get": _op("A case (participants get the shared view)", "200", _ref("Case"), "401 404"),
        },
        "/cases/{case_id}/stages": {
            "parameters": [kid],
            "post": _op(
                "Record a stage change", "201", _ref("Case"), "401 403 404 422", body=_json(_ref("StageInput"))
            ),
        },
        "/log/checkpoint": {
            "get": {
                **_op(
                    "The latest signed checkpoint (C2SP tlog-checkpoint in a signed note); no token needed",
                    "200",
                    None,
                    "404",
                    ok_content={"content": {"text/plain": {"schema": s}}},
                ),
                "security": [],
            }
        },
        "/log/proof/inclusion": {
            "get": {
                **_op(
                    "RFC 9162 inclusion proof of leaf `index` in the tree of `size` leaves; no token needed",
                    "200",
                    _ref("Proof"),
                    "422",
                    params=[_required_query("index", i), _required_query("size", i)],
                ),
                "security": [],
            }
        },
        "/log/proof/consistency": {
            "get": {
                **_op(
                    "RFC 9162 consistency proof between tree sizes `from` and `to`; no token needed",
                    "200",
                    _ref("Proof"),
                    "422",
                    params=[_required_query("from", i), _required_query("to", i)],
                ),
                "security": [],
            }
        },
        "/cases/{case_id}/bundle": {
            "parameters": [kid],
            "get": _op(
                "Export the case's evidence as a signed, timestamped BagIt bag in a ZIP (prosecutors); "
                "the export is recorded in each item's custody",
                "200",
                None,
                "401 403 404 409 422 503",
                params=[_query("evidence", s, "comma-separated evidence ids for a subset, e.g. 3,5")],
                ok_content={"content": {"application/zip": {"schema": {"type": "string"}}}},
            ),
        },
        "/openapi.json": {
            "get": {
                "summary": "This document",
                "security": [],
                "responses": {"200": {"description": "OpenAPI 3.1", **_json({"type": "object"})}},
            }
        },
    }
    for more_schemas, more_paths in (
        _notification_parts(),
        _participation_parts(),
        _agency_parts(),
        _supervision_parts(),
        _infringer_parts(),
        _related_parts(),
    ):
        schemas.update(more_schemas)
        paths.update(more_paths)
    return {
        "openapi": "3.1.0",
        "info": {"title": "IP evidence portal API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}, "schemas": schemas},
        "paths": paths,
    }


def _notification_parts() -> tuple[dict[str, Any], dict[str, Any]]:
    s, i, n = {"type": "string"}, {"type": "integer"}, {"type": ["string", "null"]}
    nid, wid = _path_id("notification_id"), _path_id("webhook_id")
    schemas = {
        "Notification": {
            "type": "object",
            "properties": {
                "id": i,
                "kind": _enum(EventKind),
                "title": {**s, "description": "in the token user's language"},
                "lines": {"type": "array", "items": s},
                "params": {"type": "object"},
                "case_id": {"type": ["integer", "null"]},
                "complaint_id": {"type": ["integer", "null"]},
                "created_at": s,
                "read_at": n,
            },
        },
        "EmailChoices": {
            "type": "object",
            "description": "Each notification kind the user can receive, and whether it also comes by e-mail",
            "properties": {"email": {"type": "object", "additionalProperties": {"type": "boolean"}}},
        },
        "Webhook": {"type": "object", "properties": {"id": i, "url": s, "created_at": s}},
        "WebhookWithSecret": {
            "type": "object",
            "description": "The secret (whsec_...) is returned only here; sign checks follow Standard Webhooks",
            "properties": {"id": i, "url": s, "created_at": s, "secret": s},
        },
        "Delivery": {
            "type": "object",
            "properties": {
                "id": {**s, "description": "the webhook-id header the receiver saw"},
                "type": _enum(EventKind),
                "status": _enum(DeliveryStatus),
                "created_at": s,
                "sent_at": n,
                "next_attempt_at": n,
                "attempts": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "at": s,
                            "ok": {"type": "boolean"},
                            "status_code": {"type": ["integer", "null"]},
                            "error": s,
                            "duration_ms": i,
                        },
                    },
                },
            },
        },
    }
    listing = {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": _ref("Notification")},
            "unread": i,
            "before": {"type": ["integer", "null"], "description": "pass as ?before= for older ones"},
        },
    }
    paths = {
        "/notifications": {
            "get": _op(
                "The user's notifications, newest first",
                "200",
                listing,
                "401 422",
                params=[_query("before", i, "only notifications older than this id"), _query("limit", i, "1-200")],
            )
        },
        "/notifications/{notification_id}/read": {
            "parameters": [nid],
            "post": _op("Mark one notification read", "200", _ref("Notification"), "401 404"),
        },
        "/notifications/read-all": {
            "post": _op("Mark every notification read", "200", {"type": "object", "properties": {"marked": i}}, "401")
        },
        "/me/email-notifications": {
            "get": _op("Which notifications also come by e-mail", "200", _ref("EmailChoices"), "401"),
            "put": _op(
                "Choose which notifications also come by e-mail (the kinds listed; the rest portal-only)",
                "200",
                _ref("EmailChoices"),
                "401 422",
                body=_json({"type": "object", "properties": {"email": {"type": "array", "items": _enum(EventKind)}}}),
            ),
        },
        "/webhooks": {
            "get": _op("The organisation's webhooks (org admins)", "200", _items_of("Webhook"), "401 403"),
            "post": _op(
                "Register a receiver URL (org admins); the answer holds its secret",
                "201",
                _ref("WebhookWithSecret"),
                "401 403 422",
                body=_json({"type": "object", "required": ["url"], "properties": {"url": s}}),
            ),
        },
        "/webhooks/{webhook_id}": {
            "parameters": [wid],
            "delete": {
                "summary": "Stop sending to this receiver",
                "responses": {
                    "204": {"description": "Removed"},
                    "401": {"description": ERRORS["401"], **_json(_ref("Error"))},
                    "403": {"description": ERRORS["403"], **_json(_ref("Error"))},
                    "404": {"description": ERRORS["404"], **_json(_ref("Error"))},
                },
            },
        },
        "/webhooks/{webhook_id}/secret": {
            "parameters": [wid],
            "post": _op("Replace the secret", "200", _ref("WebhookWithSecret"), "401 403 404"),
        },
        "/webhooks/{webhook_id}/test": {
            "parameters": [wid],
            "post": _op("Queue a test event (webhook.test)", "202", _ref("Delivery"), "401 403 404"),
        },
        "/webhooks/{webhook_id}/deliveries": {
            "parameters": [wid],
            "get": _op("The latest calls and their attempts", "200", _items_of("Delivery"), "401 403 404"),
        },
    }
    return schemas, paths


def _items_of(name: str) -> dict[str, Any]:
    return {"type": "object", "properties": {"items": {"type": "array", "items": _ref(name)}}}


def _participation_parts() -> tuple[dict[str, Any], dict[str, Any]]:
    s, i, n, b = {"type": "string"}, {"type": "integer"}, {"type": ["string", "null"]}, {"type": "boolean"}
    ni, d = {"type": ["integer", "null"]}, {"type": "string", "format": "date"}
    ids = {"type": "array", "items": i}
    kid, nid, hid = _path_id("case_id"), _path_id("notice_id"), _path_id("hearing_id")
    did, sid = _path_id("document_id"), _path_id("submission_id")
    figures = ("illegal_business_volume", "units", "genuine_unit_price", "losses_claimed")
    money = {"type": ["string", "null"], "description": 'decimal as a string, e.g. "1250.00"'}
    hearing_fields: dict[str, Any] = {
        "starts_at": {"type": "string", "format": "date-time", "description": "with its offset, e.g. +08:00"},
        "duration_minutes": i,
        "court": s,
        "room": s,
        "remote_url": s,
        "interpreter": b,
        "note": s,
    }
    hearing_input = {
        "type": "object",
        "required": ["starts_at", "duration_minutes", "court"],
        "properties": hearing_fields,
    }
    schemas = {
        "Notice": {
            "type": "object",
            "properties": {
                "id": i,
                "case_id": i,
                "org_id": i,
                "text_zh": s,
                "text_en": s,
                "pdf_sha256": s,
                "served_at": s,
                "opened_at": n,
                "acknowledged_at": n,
            },
        },
        "Deadline": {
            "type": "object",
            "properties": {
                "decision_id": i,
                "decision": _enum(DecisionKind),
                "decided_on": d,
                "served_on": d,
                "summary": s,
                "due_on": {**d, "description": "last day, Asia/Shanghai, counted as CPL art. 105 counts"},
                "due_provisional": {**b, "description": "the year's official holiday schedule is not known yet"},
                "days_left": i,
                "expired": b,
                "action": _enum(SubmissionKind),
                "done_by": ids,
            },
        },
        "CaseRequest": {
            "type": "object",
            "properties": {
                "id": i,
                "case_id": i,
                "org_id": i,
                "kind": _enum(RequestKind),
                "message": s,
                "due_on": d,
                "created_at": s,
                "answered_at": n,
                "overdue": b,
            },
        },
        "Hearing": {
            "type": "object",
            "properties": {
                **hearing_fields,
                "id": i,
                "case_id": i,
                "status": _enum(HearingStatus),
                "cancel_reason": s,
                "sequence": i,
            },
        },
        "Document": {
            "type": "object",
            "properties": {
                "id": i,
                "case_id": i,
                "kind": _enum(DocumentKind),
                "title": s,
                "filename": s,
                "media_type": s,
                "size": i,
                "sha256": s,
                "created_at": s,
                "shared_with": ids,
            },
        },
        "Submission": {
            "type": "object",
            "properties": {
                "id": i,
                "case_id": i,
                "org_id": i,
                "kind": _enum(SubmissionKind),
                "body": {"type": "object"},
                "request_id": ni,
                "hearing_id": ni,
                "decision_id": ni,
                "submitted_by": s,
                "submitted_at": s,
                "sha256": {**s, "description": "of the canonical record at log_index in the transparency log"},
                "log_index": i,
            },
        },
        "SubmissionInput": {
            "type": "object",
            "required": ["kind"],
            "properties": {
                "kind": _enum(SubmissionKind),
                "text": {**s, "description": "required for opinions, answers, petitions and protest requests"},
                "evidence_ids": {
                    **ids,
                    "description": "your evidence in this case; a loss statement cites its own in loss.evidence",
                },
                "request_id": {
                    **i,
                    "description": "for an answer; for a loss statement, the loss-statement request it answers",
                },
                "hearing_id": {**i, "description": "for attendance"},
                "decision_id": {**i, "description": "for a petition or protest request, while its deadline runs"},
                "interpreter_language": {**s, "description": "for attendance: a language tag such as en"},
                "org_id": {**i, "description": "an agent acting for several participants: the one it acts for"},
                "loss": {
                    "type": "object",
                    "description": "for a loss statement",
                    "properties": {
                        "illegal_business_volume": money,
                        "units": ni,
                        "genuine_unit_price": money,
                        "losses_claimed": money,
                        "currency": {**s, "description": "ISO 4217"},
                        "evidence": {
                            "type": "object",
                            "description": "figure name to the evidence ids that support it",
                            "properties": {figure: ids for figure in figures},
                        },
                    },
                },
            },
        },
    }
    proceedings_schema = {
        "type": "object",
        "properties": {
            "participants": {"type": "array", "items": {"type": "object"}},
            "notices": {"type": "array", "items": _ref("Notice")},
            "deadlines": {"type": "array", "items": _ref("Deadline")},
            "requests": {"type": "array", "items": _ref("CaseRequest")},
            "hearings": {"type": "array", "items": _ref("Hearing")},
            "documents": {"type": "array", "items": _ref("Document")},
            "submissions": {"type": "array", "items": _ref("Submission")},
        },
    }
    # Stored files are always attachments of type application/octet-stream: never rendered in the portal's origin.
    pdf = {"content": {"application/octet-stream": {"schema": {"type": "string", "description": "the PDF"}}}}
    raw = {"content": {"application/octet-stream": {"schema": {"type": "string"}}}}
    paths = {
        "/cases/{case_id}/proceedings": {
            "parameters": [kid],
            "get": _op(
                "The case's proceedings as the user may see them (a participant: only its own)",
                "200",
                proceedings_schema,
                "401 404",
            ),
        },
        "/cases/{case_id}/notices": {
            "parameters": [kid],
            "post": _op(
                "Serve a notice of litigation rights and obligations (prosecutors); texts default to the template",
                "201",
                _ref("Notice"),
                "401 403 404 422 503",
                body=_json(
                    {
                        "type": "object",
                        "required": ["org_id"],
                        "properties": {"org_id": i, "text_zh": s, "text_en": s},
                    }
                ),
            ),
        },
        "/cases/{case_id}/notices/{notice_id}": {
            "parameters": [kid, nid],
            "get": _op("A notice (a participant's first reading is recorded)", "200", _ref("Notice"), "401 404"),
        },
        "/cases/{case_id}/notices/{notice_id}/pdf": {
            "parameters": [kid, nid],
            "get": _op("The notice as served (PDF)", "200", None, "401 404 409 503", ok_content=pdf),
        },
        "/cases/{case_id}/notices/{notice_id}/acknowledge": {
            "parameters": [kid, nid],
            "post": _op("Acknowledge a notice (its participant)", "200", _ref("Notice"), "401 403 404 409"),
        },
        "/cases/{case_id}/decisions": {
            "parameters": [kid],
            "post": _op(
                "Record a decision served on the participants; it opens their deadline (prosecutors)",
                "201",
                _ref("Deadline"),
                "401 403 404 422",
                body=_json(
                    {
                        "type": "object",
                        "required": ["kind", "decided_on", "served_on"],
                        "properties": {"kind": _enum(DecisionKind), "decided_on": d, "served_on": d, "summary": s},
                    }
                ),
            ),
        },
        "/cases/{case_id}/requests": {
            "parameters": [kid],
            "post": _op(
                "Ask a participant for something by a due date (prosecutors)",
                "201",
                _ref("CaseRequest"),
                "401 403 404 422",
                body=_json(
                    {
                        "type": "object",
                        "required": ["org_id", "kind", "message", "due_on"],
                        "properties": {"org_id": i, "kind": _enum(RequestKind), "message": s, "due_on": d},
                    }
                ),
            ),
        },
        "/cases/{case_id}/hearings": {
            "parameters": [kid],
            "post": _op(
                "Schedule a hearing; participants are told at once (prosecutors)",
                "201",
                _ref("Hearing"),
                "401 403 404 422",
                body=_json(hearing_input),
            ),
        },
        "/cases/{case_id}/hearings/{hearing_id}": {
            "parameters": [kid, hid],
            "put": _op(
                "Change a hearing (prosecutors)",
                "200",
                _ref("Hearing"),
                "401 403 404 409 422",
                body=_json(hearing_input),
            ),
        },
        "/cases/{case_id}/hearings/{hearing_id}/cancel": {
            "parameters": [kid, hid],
            "post": _op(
                "Cancel a hearing (prosecutors)",
                "200",
                _ref("Hearing"),
                "401 403 404 409 422",
                body=_json({"type": "object", "required": ["reason"], "properties": {"reason": s}}),
            ),
        },
        "/cases/{case_id}/hearings/{hearing_id}/ics": {
            "parameters": [kid, hid],
            "get": _op(
                "The hearing as an iCalendar invitation",
                "200",
                None,
                "401 404",
                ok_content={"content": {"text/calendar": {"schema": {"type": "string"}}}},
            ),
        },
        "/cases/{case_id}/documents": {
            "parameters": [kid],
            "post": _op(
                "Upload a document (raw body, Content-Disposition names it) and share it (prosecutors)",
                "201",
                _ref("Document"),
                "401 403 404 413 415 422 503",
                body=raw,
                params=[
                    _required_query("kind", _enum(DocumentKind)),
                    _required_query("title", s),
                    _query("org_ids", i, "repeat for each participant to share with"),
                ],
            ),
        },
        "/cases/{case_id}/documents/{document_id}/content": {
            "parameters": [kid, did],
            "get": _op("A document's bytes", "200", None, "401 404 409 503", ok_content=raw),
        },
        "/cases/{case_id}/documents/{document_id}/share": {
            "parameters": [kid, did],
            "post": _op(
                "Share with more participants (prosecutors)",
                "200",
                {"type": "object", "properties": {"shared_now": ids}},
                "401 403 404 409 422",
                body=_json({"type": "object", "required": ["org_ids"], "properties": {"org_ids": ids}}),
            ),
        },
        "/cases/{case_id}/documents/{document_id}/withdraw": {
            "parameters": [kid, did],
            "post": {
                "summary": "Withdraw sharing from one participant (prosecutors)",
                "requestBody": {
                    "required": True,
                    **_json({"type": "object", "required": ["org_id"], "properties": {"org_id": i}}),
                },
                "responses": {
                    "204": {"description": "Withdrawn"},
                    **{
                        code: {"description": ERRORS[code], **_json(_ref("Error"))}
                        for code in ("401", "403", "404", "409", "422")
                    },
                },
            },
        },
        "/cases/{case_id}/submissions": {
            "parameters": [kid],
            "post": _op(
                "Submit an opinion, loss statement, answer, attendance request, petition or protest request "
                "(participants); recorded with its SHA-256 in the transparency log",
                "201",
                _ref("Submission"),
                "401 403 404 409 422",
                body=_json(_ref("SubmissionInput")),
            ),
        },
        "/cases/{case_id}/submissions/{submission_id}": {
            "parameters": [kid, sid],
            "get": _op("A submission", "200", _ref("Submission"), "401 404"),
        },
    }
    return schemas, paths


def _agency_parts() -> tuple[dict[str, Any], dict[str, Any]]:
    s, i, n, d = (
        {"type": "string"},
        {"type": "integer"},
        {"type": ["string", "null"]},
        {"type": "string", "format": "date"},
    )
    scopes = {"type": "array", "items": _enum(AgencyScope)}
    schemas = {
        "PowerOfAttorney": {
            "type": "object",
            "properties": {
                "id": i,
                "principal": {"type": "object"},
                "agent": {"type": "object"},
                "scopes": scopes,
                "valid_from": d,
                "valid_until": d,
                "evidence_id": {**i, "description": "the signed document, an evidence item of the principal"},
                "notarised_by": s,
                "notarised_on": n,
                "legalisation": s,
                "granted_at": s,
                "revoked_at": n,
            },
        }
    }
    paths = {
        "/agents": {
            "get": _op(
                "Approved agent organisations (law firms, brand-protection vendors)",
                "200",
                {"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object"}}}},
                "401",
            )
        },
        "/powers-of-attorney": {
            "get": _op(
                "Powers the organisation granted (rights holder) or holds (agent)",
                "200",
                _items_of("PowerOfAttorney"),
                "401",
            ),
            "post": _op(
                "Put a power of attorney on file (a rights holder's administrator): the signed document as the raw "
                "body, named by Content-Disposition; it becomes an evidence item with a receipt",
                "201",
                _ref("PowerOfAttorney"),
                "401 403 413 415 422 503",
                body={"content": {"application/octet-stream": {"schema": {"type": "string"}}}},
                params=[
                    _required_query("agent_org_id", i),
                    _required_query("scopes", _enum(AgencyScope)),
                    _required_query("valid_from", d),
                    _required_query("valid_until", d),
                    _query("notarised_by", s),
                    _query("notarised_on", d),
                    _query("legalisation", s, "apostille or legalisation: number, authority, date"),
                ],
            ),
        },
        "/powers-of-attorney/{power_id}/revoke": {
            "parameters": [_path_id("power_id")],
            "post": _op(
                "Revoke a power (the principal's administrator)", "200", _ref("PowerOfAttorney"), "401 403 404 409"
            ),
        },
    }
    return schemas, paths


def _supervision_parts() -> tuple[dict[str, Any], dict[str, Any]]:
    i = {"type": "integer"}
    body = _json({"type": "object", "required": ["prosecutor_id"], "properties": {"prosecutor_id": i}})
    durations = {
        "type": "object",
        "properties": {
            "count": i,
            "median_days": {"type": ["number", "null"]},
            "p90_days": {"type": ["number", "null"]},
        },
    }
    counts = {"type": "object", "additionalProperties": i}
    paths = {
        "/complaints/{complaint_id}/assign": {
            "parameters": [_path_id("complaint_id")],
            "post": _op(
                "Assign an open complaint to a prosecutor (supervisors)",
                "200",
                {"type": "object", "properties": {"id": i, "reference": {"type": "string"}, "assigned_to_id": i}},
                "401 403 404 409 422",
                body=body,
            ),
        },
        "/cases/{case_id}/assign": {
            "parameters": [_path_id("case_id")],
            "post": _op(
                "Make a prosecutor responsible for a case (supervisors)",
                "200",
                {"type": "object", "properties": {"id": i, "case_number": {"type": "string"}, "prosecutor_id": i}},
                "401 403 404 422",
                body=body,
            ),
        },
        "/statistics": {
            "get": _op(
                "The dashboard's figures (supervisors)",
                "200",
                {
                    "type": "object",
                    "properties": {
                        "complaints_filed": i,
                        "complaints_by_status": counts,
                        "cases_by_stage": counts,
                        "origin": counts,
                        "by_country": counts,
                        "by_right_type": counts,
                        "time_in_stage": {"type": "object", "additionalProperties": durations},
                        "review": durations,
                        "overdue_requests": {"type": "array", "items": {"type": "object"}},
                        "running_deadlines": {"type": "array", "items": {"type": "object"}},
                        "unassigned_complaints": i,
                        "workload": {"type": "array", "items": {"type": "object"}},
                    },
                },
                "401 403",
            )
        },
    }
    return {}, paths


def _infringer_parts() -> tuple[dict[str, Any], dict[str, Any]]:
    s = {"type": "string"}
    schemas = {
        "SharedInfringer": {
            "type": "object",
            "properties": {
                "kind": {"type": "string", "enum": ["name", "shop", "domain"]},
                "value": {**s, "description": "the normalised name, platform:seller, or registrable domain"},
                "complaints": {"type": "array", "items": {"type": "object"}},
            },
        }
    }
    paths = {
        "/review/search": {
            "get": _op(
                "Filed complaints matching every term (prosecutors): titles, facts, infringers, shop URLs, rights, "
                "case numbers, evidence file names and descriptions; Chinese and English",
                "200",
                _items_of("Complaint"),
                "401 403 422",
                params=[_required_query("q", s)],
            )
        },
        "/review/infringers": {
            "get": _op(
                "Infringers named in more than one filed complaint (prosecutors)",
                "200",
                _items_of("SharedInfringer"),
                "401 403",
            )
        },
        "/complaints/{complaint_id}/shared-infringers": {
            "parameters": [_path_id("complaint_id")],
            "get": _op(
                "Other complaints naming this complaint's infringers (prosecutors)",
                "200",
                _items_of("SharedInfringer"),
                "401 403 404",
            ),
        },
    }
    return schemas, paths


def _related_parts() -> tuple[dict[str, Any], dict[str, Any]]:
    s, i, b = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
    item_ref = {
        "type": "object",
        "properties": {
            "evidence_id": i,
            "filename": s,
            "sha256": s,
            "complaint_id": i,
            "complaint_reference": s,
            "organisation": s,
            "case_id": {"type": ["integer", "null"]},
            "picture": {**i, "description": "the image (1), PDF page or video key frame that matched"},
        },
    }
    threshold = {
        "type": "object",
        "properties": {
            "threshold": {**i, "description": "bits of 64 within which pictures are shown as related"},
            "max": i,
            "trade_offs": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "threshold": i,
                        "pairs": {**i, "description": "pairs of items in different complaints shown at it"},
                        "complaints": {**i, "description": "complaints that would show related evidence"},
                    },
                },
            },
        },
    }
    schemas = {
        "RelatedEvidence": {
            "type": "object",
            "properties": {
                "evidence_id": {**i, "description": "the item of this complaint or case"},
                "picture": i,
                "other": item_ref,
                "identical": {**b, "description": "the same file (SHA-256)"},
                "distance_bits": {
                    "type": ["integer", "null"],
                    "description": "fingerprint bits apart; null if identical",
                },
                "strength_percent": i,
            },
        },
        "EvidenceCluster": {
            "type": "object",
            "properties": {
                "items": {"type": "array", "items": item_ref},
                "complaint_ids": {"type": "array", "items": i},
                "organisations": {"type": "array", "items": s},
                "case_ids": {"type": "array", "items": i},
                "closest_distance_bits": {"type": ["integer", "null"]},
            },
        },
    }
    paths = {
        "/complaints/{complaint_id}/related-evidence": {
            "parameters": [_path_id("complaint_id")],
            "get": _op(
                "Evidence in other filed complaints showing the same pictures, identical files first (prosecutors)",
                "200",
                _items_of("RelatedEvidence"),
                "401 403 404",
            ),
        },
        "/cases/{case_id}/related-evidence": {
            "parameters": [_path_id("case_id")],
            "get": _op(
                "Evidence outside the case showing the same pictures as its complaints' evidence (prosecutors)",
                "200",
                _items_of("RelatedEvidence"),
                "401 403 404",
            ),
        },
        "/review/clusters": {
            "get": _op(
                "Groups of evidence across complaints showing the same picture, most complaints first (prosecutors)",
                "200",
                _items_of("EvidenceCluster"),
                "401 403",
            )
        },
        "/review/clusters/link": {
            "post": _op(
                "Accept open complaints into one existing case (prosecutors)",
                "200",
                {"type": "object", "properties": {"case_id": i, "case_number": s, "complaint_ids": {"type": "array"}}},
                "401 403 404 409 422",
                body=_json(
                    {
                        "type": "object",
                        "required": ["complaint_ids", "case_id"],
                        "properties": {"complaint_ids": {"type": "array", "items": i}, "case_id": i},
                    }
                ),
            )
        },
        "/admin/match-threshold": {
            "get": _op(
                "The match threshold and what each threshold would show (administrators)", "200", threshold, "401 403"
            ),
            "put": _op(
                "Set the match threshold (administrators)",
                "200",
                threshold,
                "401 403 422",
                body=_json({"type": "object", "required": ["threshold"], "properties": {"threshold": i}}),
            ),
        },
    }
    return schemas, paths
