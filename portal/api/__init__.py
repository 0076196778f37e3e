"""JSON API under /api/v1 with bearer tokens; shares every rule with the pages.

Each operation is declared with :func:`portal.api.contract.operation`, which
validates with the models of :mod:`portal.schemas` and builds the OpenAPI
document. Endpoints that take a body call the access service before reading
it (``body()``), so that someone without access gets 403/404 and never
learns from a 422 what the endpoint would have accepted.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, g, render_template, request
from flask.typing import ResponseReturnValue

from portal import evidence_list
from portal.api.contract import body, document, if_match, key_paged, operation, paged, query, window
from portal.db import get_session
from portal.downloads import attachment, bundle_response, receipt_archive, thumbnail_response
from portal.errors import json_error
from portal.models import TokenScope, User
from portal.schemas import cases as case_schema
from portal.schemas import complaints as complaint_schema
from portal.schemas import evidence as evidence_schema
from portal.schemas.base import KeyedPage, Page, PageQuery
from portal.security import API_DOCS_CSP, talisman
from portal.serialise import case_json, complaint_json, custody_json, evidence_json, receipt_json
from portal.services import bundles, complaints, evidence, integrity, receipts, review, tokens
from portal.services import cases as case_service
from portal.services.access import REVIEWERS, get_case, get_complaint, require_filer, require_role
from portal.services.paging import Position
from portal.signing import get_notary
from portal.storage import get_store
from portal.uploads import evidence_meta, receive_upload

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.before_request
def _authenticate() -> ResponseReturnValue | None:
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(getattr(view, "operation", None), "public", False):
        return None
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return json_error(401, "unauthorized", "Send a valid API token: Authorization: Bearer <token>.")
    bearer = tokens.authenticate(get_session(), secret.strip())
    if isinstance(bearer, str):
        return json_error(401, "unauthorized", bearer)
    g.api_user, g.api_scopes = bearer.user, bearer.scopes
    return None


def me_() -> User:
    user: User = g.api_user
    return user


def _complaint_input(data: complaint_schema.ComplaintChanges, partial: bool) -> complaints.ComplaintInput:
    given = data.model_fields_set
    return complaints.ComplaintInput(
        title=data.title,
        facts=data.facts,
        right_ids=tuple(data.right_ids),
        infringers=tuple(
            complaints.InfringerInput(name=i.name, address=i.address, shop_urls=tuple(i.shop_urls), platform=i.platform)
            for i in data.infringers
        ),
        discovered_on=data.discovered_on,
        discovery_method=data.discovery_method,
        illegal_volume=data.illegal_volume,
        units=data.units,
        currency=data.currency.upper(),
        language=data.language,
        fields_given=frozenset(given) if partial else frozenset(),
    )


@bp.get("/openapi.json")
@operation("This document", tag="meta", public=True, response=dict[str, object])
def openapi() -> ResponseReturnValue:
    return document(current_app)


@bp.get("/docs")
@talisman(content_security_policy=API_DOCS_CSP)
@operation(
    "This document, to read and try in a browser (Swagger UI)",
    tag="meta",
    public=True,
    produces={"text/html": "Swagger UI over this document."},
)
def docs() -> ResponseReturnValue:
    return Response(render_template("api/docs.html"), mimetype="text/html")


@bp.get("/complaints")
@operation(
    "The complaints of the organisations you file for, newest first",
    tag="complaints",
    query=PageQuery,
    response=Page[complaint_schema.Complaint],
)
def list_complaints() -> ResponseReturnValue:
    return paged(complaints.org_complaints(get_session(), me_(), window()), complaint_json)


@bp.post("/complaints")
@operation(
    "Create a draft complaint",
    tag="complaints",
    body=complaint_schema.ComplaintInput,
    response=complaint_schema.Complaint,
    status=201,
    errors=(403,),
    links={"complaint_id": "id"},
    etag="version",
)
def create_complaint() -> ResponseReturnValue:
    require_filer(me_())
    data: complaint_schema.ComplaintInput = body()
    complaint = complaints.create_complaint(get_session(), me_(), _complaint_input(data, partial=False), data.org_id)
    return complaint_json(complaint, [])


@bp.get("/complaints/<int:complaint_id>")
@operation("A complaint with its evidence", tag="complaints", response=complaint_schema.Complaint, etag="version")
def complaint_detail(complaint_id: int) -> ResponseReturnValue:
    db = get_session()
    complaint = get_complaint(db, me_(), complaint_id)
    return complaint_json(complaint, complaints.evidence_of(db, complaint))


@bp.patch("/complaints/<int:complaint_id>")
@operation(
    "Change fields of a draft",
    tag="complaints",
    description="Only the fields sent change.",
    body=complaint_schema.ComplaintChanges,
    response=complaint_schema.Complaint,
    errors=(403, 409),
    etag="version",
)
def update_complaint(complaint_id: int) -> ResponseReturnValue:
    db = get_session()
    get_complaint(db, me_(), complaint_id)
    changes = _complaint_input(body(), partial=True)
    complaint = complaints.update_complaint(db, me_(), complaint_id, changes, if_match())
    return complaint_json(complaint, complaints.evidence_of(db, complaint))


@bp.post("/complaints/<int:complaint_id>/submit")
@operation(
    "Submit a draft for review",
    tag="complaints",
    description="422 names what the complaint still lacks (a right, an infringer, evidence ...).",
    response=complaint_schema.Complaint,
    errors=(403, 409, 422),
)
def submit_complaint(complaint_id: int) -> ResponseReturnValue:
    return complaint_json(complaints.submit_complaint(get_session(), me_(), complaint_id))


@bp.post("/complaints/<int:complaint_id>/withdraw")
@operation(
    "Withdraw a complaint that has not been decided",
    tag="complaints",
    response=complaint_schema.Complaint,
    errors=(403, 409),
)
def withdraw_complaint(complaint_id: int) -> ResponseReturnValue:
    return complaint_json(complaints.withdraw_complaint(get_session(), me_(), complaint_id))


@bp.post("/complaints/<int:complaint_id>/reply")
@operation(
    "Answer the open request for information",
    tag="complaints",
    body=complaint_schema.Reply,
    response=complaint_schema.Complaint,
    errors=(403, 409),
)
def reply(complaint_id: int) -> ResponseReturnValue:
    get_complaint(get_session(), me_(), complaint_id)
    data: complaint_schema.Reply = body()
    return complaint_json(complaints.reply_to_request(get_session(), me_(), complaint_id, data.reply))


@bp.post("/complaints/<int:complaint_id>/evidence")
@operation(
    "Upload one evidence file, streamed and hashed",
    tag="evidence",
    upload=True,
    fields=evidence_schema.EvidenceFields,
    response=evidence_schema.Evidence,
    status=201,
    errors=(403, 409),
    links={"evidence_id": "id"},
)
def upload_evidence(complaint_id: int) -> ResponseReturnValue:
    get_complaint(get_session(), me_(), complaint_id)
    store = get_store()
    with receive_upload(store, me_()) as upload:
        meta = evidence_meta(upload)
        item = evidence.add_evidence(get_session(), store, get_notary(), me_(), complaint_id, upload.finish, meta)
    return evidence_json(item)


@bp.get("/evidence/<int:evidence_id>")
@operation("An evidence item (recorded as viewed)", tag="evidence", response=evidence_schema.Evidence)
def evidence_detail(evidence_id: int) -> ResponseReturnValue:
    db = get_session()
    item = evidence.view_item(db, me_(), evidence_id)
    return evidence_json(item, integrity.damage_of(db, [item.sha256]).get(item.sha256))


@bp.get("/evidence/<int:evidence_id>/content")
@operation(
    "The file",
    tag="evidence",
    description="An attachment, checked against its SHA-256 as it streams: a damaged file breaks off before its "
    "last bytes and is recorded; 409 if it is known damaged or missing.",
    produces={"application/octet-stream": "The file as it was received."},
    errors=(409,),
)
def evidence_content(evidence_id: int) -> ResponseReturnValue:
    return attachment(evidence.download(get_session(), get_store(), me_(), evidence_id))


@bp.get("/evidence/<int:evidence_id>/thumbnail")
@operation(
    "A picture's thumbnail, made by the portal (320 px, JPEG)",
    tag="evidence",
    produces={"image/jpeg": "The thumbnail."},
    errors=(409,),
)
def evidence_thumbnail(evidence_id: int) -> ResponseReturnValue:
    return thumbnail_response(evidence.thumbnail(get_session(), get_store(), me_(), evidence_id))


@bp.get("/evidence/<int:evidence_id>/previews/<int:number>")
@operation(
    "A preview of one of the item's pictures: the image, a PDF page, a video key frame (JPEG)",
    tag="evidence",
    description="The item's `pictures` says how many there are; they are numbered from 1.",
    produces={"image/jpeg": "The preview."},
)
def evidence_preview(evidence_id: int, number: int) -> ResponseReturnValue:
    return thumbnail_response(evidence.preview(get_session(), get_store(), me_(), evidence_id, number))


@bp.post("/evidence/<int:evidence_id>/verify")
@operation(
    "Re-read the stored file, recompute its SHA-256 and record the result",
    tag="evidence",
    response=evidence_schema.Verification,
    scope=TokenScope.READ,  # a check that changes nothing but the custody record
)
def verify_evidence(evidence_id: int) -> ResponseReturnValue:
    result = evidence.verify(get_session(), get_store(), me_(), evidence_id)
    return {
        "id": result.item.id,
        "outcome": result.outcome,
        "ok": result.outcome == "ok",
        "recorded_sha256": result.item.sha256,
        "computed_sha256": result.sha256,
        "size": result.size,
        "verified_at": result.at,
    }


@bp.get("/evidence/<int:evidence_id>/custody")
@operation("The custody chain and whether it verifies", tag="evidence", response=evidence_schema.Custody)
def evidence_custody(evidence_id: int) -> ResponseReturnValue:
    events, report = evidence.custody(get_session(), me_(), evidence_id)
    return {"events": [custody_json(e) for e in events], "chain_ok": report.ok, "problems": list(report.problems)}


@bp.get("/evidence/<int:evidence_id>/receipt")
@operation(
    "The item's signed receipt",
    tag="evidence",
    description="A ZIP (receipt.json, its signature, RFC 3161 token, tlog-proof, keys, VERIFY.md); "
    "the same as JSON with Accept: application/json.",
    response=evidence_schema.Receipt,
    produces={"application/zip": "The receipt archive, or the receipt as JSON (Accept: application/json)."},
    errors=(409,),
)
def evidence_receipt(evidence_id: int) -> ResponseReturnValue:
    notary = get_notary()
    view = receipts.view(get_session(), notary, me_(), evidence_id)
    if request.accept_mimetypes.best_match(["application/zip", "application/json"]) == "application/json":
        return receipt_json(view)
    return receipt_archive(view, receipts.receipt_files(notary, view))


@bp.get("/review/complaints")
@operation(
    "The review queue (prosecutors)",
    tag="review",
    query=complaint_schema.ReviewQuery,
    response=KeyedPage[complaint_schema.Complaint],
    errors=(403,),
)
def review_queue() -> ResponseReturnValue:
    wanted: complaint_schema.ReviewQuery = query()
    result = review.queue(
        get_session(),
        me_(),
        review.QueueFilter(
            status=wanted.status,
            foreign=wanted.foreign,
            right_type=wanted.right_type,
            newest_first=wanted.order == "newest",
            assigned_to=me_().id if wanted.assigned == "me" else None,
            unassigned=wanted.assigned == "none",
            position=Position.of(wanted.cursor),
            per_page=wanted.limit,
        ),
    )
    return key_paged(result.page, result.total, complaint_json)


def _case_input(data: case_schema.CaseFields) -> case_service.CaseInput:
    return case_service.CaseInput(
        case_number=data.case_number,
        procuratorate=data.procuratorate,
        charges=data.charges,
        prosecutor_id=data.prosecutor_id or me_().id,
        stage=data.stage,
        opened_on=data.opened_on,
    )


@bp.post("/complaints/<int:complaint_id>/decision")
@operation(
    "A prosecutor's decision on a complaint",
    tag="review",
    body=complaint_schema.Decision,
    response=complaint_schema.Complaint,
    errors=(403, 409),
)
def decide(complaint_id: int) -> ResponseReturnValue:
    require_role(me_(), REVIEWERS)
    data: complaint_schema.Decision = body()
    complaint = review.decide(
        get_session(),
        me_(),
        complaint_id,
        review.Decision(
            action=data.action,
            message=data.message,
            due=data.due,
            reason=data.reason,
            case_id=data.case_id,
            new_case=_case_input(data.case) if data.case else None,
        ),
    )
    return complaint_json(complaint)


def _case_body(case_id: int) -> dict[str, object]:
    case = get_case(get_session(), me_(), case_id)
    visible = case_service.visible_complaints(get_session(), me_(), case)
    return case_json(case, case_service.timeline(me_(), case), visible)


@bp.get("/cases")
@operation(
    "The cases you may see, newest first", tag="cases", query=case_schema.CaseQuery, response=Page[case_schema.Case]
)
def list_cases() -> ResponseReturnValue:
    wanted: case_schema.CaseQuery = query()
    page = case_service.list_cases(get_session(), me_(), window(), wanted.number)
    seen = case_service.complaints_seen(get_session(), me_(), page.items)
    return paged(page, lambda case: case_json(case, case_service.timeline(me_(), case), seen[case.id]))


@bp.post("/cases")
@operation(
    "Open a case",
    tag="cases",
    body=case_schema.CaseFields,
    response=case_schema.Case,
    status=201,
    errors=(403,),
    links={"case_id": "id"},
)
def create_case() -> ResponseReturnValue:
    require_role(me_(), REVIEWERS)
    case = case_service.create_case(get_session(), me_(), _case_input(body()))
    return _case_body(case.id)


@bp.get("/cases/<int:case_id>")
@operation("A case with its timeline", tag="cases", response=case_schema.Case)
def case_detail(case_id: int) -> ResponseReturnValue:
    return _case_body(case_id)


@bp.post("/cases/<int:case_id>/stages")
@operation(
    "Record a stage the case reached",
    tag="cases",
    body=case_schema.StageChange,
    response=case_schema.Case,
    status=201,
    errors=(403,),
)
def add_stage(case_id: int) -> ResponseReturnValue:
    require_role(me_(), REVIEWERS)
    get_case(get_session(), me_(), case_id)
    data: case_schema.StageChange = body()
    case_service.add_stage(
        get_session(),
        me_(),
        case_id,
        case_service.StageInput(stage=data.stage, occurred_on=data.date, note=data.note, note_shared=data.shared),
    )
    return _case_body(case_id)


@bp.get("/cases/<int:case_id>/bundle")
@operation(
    "The case's evidence as a BagIt bag in a ZIP, checked as it streams",
    tag="cases",
    query=case_schema.BundleQuery,
    produces={"application/zip": "A BagIt bag: the files, manifests, receipts and the printed evidence list."},
    errors=(403, 409),
)
def case_bundle(case_id: int) -> ResponseReturnValue:
    wanted: case_schema.BundleQuery = query()
    ids = [int(p) for p in wanted.evidence.split(",")] if wanted.evidence else None
    export = bundles.export(get_session(), get_store(), get_notary(), me_(), case_id, ids, evidence_list.render)
    return bundle_response(export)


from portal.api import (  # noqa: E402, F401 - register their routes on bp
    account,
    batches,
    log,
    notifications,
    participation,
    powers,
    related,
    rights,
    supervision,
    uploads,
)
