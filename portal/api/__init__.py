"""JSON API under /api/v1 with bearer tokens; shares every rule with the pages.

Endpoints that take a body call the access service before parsing it, so
that someone without access gets 403/404 and never learns from a 422 what
the endpoint would have accepted.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from flask import Blueprint, g, jsonify, request
from flask.typing import ResponseReturnValue

from portal import evidence_list
from portal.api.openapi import spec
from portal.db import get_session
from portal.downloads import attachment, bundle_response, receipt_archive
from portal.errors import json_error
from portal.models import ComplaintStatus, RightType, Stage, User
from portal.serialise import case_json, complaint_json, custody_json, evidence_json, receipt_json, user_json
from portal.services import accounts, bundles, complaints, evidence, integrity, receipts, review
from portal.services import cases as case_service
from portal.services.access import REVIEWERS, get_case, get_complaint, require_filer, require_role
from portal.services.errors import Invalid
from portal.signing import get_notary
from portal.storage import get_store
from portal.uploads import evidence_meta, receive_upload

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# Anyone may read the API description and check the transparency log.
PUBLIC = frozenset({"api.openapi", "api.log_checkpoint", "api.log_inclusion_proof", "api.log_consistency_proof"})


@bp.before_request
def _authenticate() -> ResponseReturnValue | None:
    if request.endpoint in PUBLIC:
        return None
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    user = accounts.user_for_api_token(get_session(), token.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        response = json_error(401, "unauthorized", "Send a valid API token: Authorization: Bearer <token>.")
        return response
    g.api_user = user
    return None


def me_() -> User:
    user: User = g.api_user
    return user


def _body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Invalid("Send a JSON object with Content-Type: application/json.")
    return data


def _date(value: Any, name: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise Invalid(f"{name} must be a date (YYYY-MM-DD).", {name: "Not a date."}) from None


def _enum(kind: type[StrEnum], value: Any, name: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(m.value for m in kind)
        raise Invalid(f"{name} must be one of: {allowed}.", {name: "Unknown value."}) from None


def _complaint_input(data: dict[str, Any], partial: bool) -> complaints.ComplaintInput:
    def text(name: str, default: str = "") -> str:
        value = data.get(name, default)
        if not isinstance(value, str):
            raise Invalid(f"{name} must be a string.", {name: "Not a string."})
        return value

    infringers = data.get("infringers", [])
    if not isinstance(infringers, list) or not all(isinstance(i, dict) for i in infringers):
        raise Invalid("infringers must be a list of objects.", {"infringers": "Not a list of objects."})
    rights = data.get("right_ids", [])
    if not isinstance(rights, list) or not all(isinstance(r, int) for r in rights):
        raise Invalid("right_ids must be a list of integers.", {"right_ids": "Not a list of ids."})
    volume = data.get("illegal_volume")
    try:
        volume = Decimal(str(volume)) if volume is not None else None
    except InvalidOperation:
        raise Invalid("illegal_volume must be a number.", {"illegal_volume": "Not a number."}) from None
    units = data.get("units")
    if units is not None and not isinstance(units, int):
        raise Invalid("units must be an integer.", {"units": "Not an integer."})
    return complaints.ComplaintInput(
        title=text("title"),
        facts=text("facts"),
        right_ids=tuple(rights),
        infringers=tuple(
            complaints.InfringerInput(
                name=str(i.get("name", "")),
                address=str(i.get("address", "")),
                shop_urls=tuple(str(u) for u in i.get("shop_urls", [])),
                platform=str(i.get("platform", "")),
            )
            for i in infringers
        ),
        discovered_on=_date(data.get("discovered_on"), "discovered_on"),
        discovery_method=text("discovery_method"),
        illegal_volume=volume,
        units=units,
        currency=text("currency", "CNY").upper(),
        language=text("language", "en"),
        fields_given=frozenset(data) if partial else frozenset(),
    )


@bp.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    return jsonify(spec())


@bp.get("/me")
def me() -> ResponseReturnValue:
    return jsonify(user_json(me_()))


@bp.get("/complaints")
def list_complaints() -> ResponseReturnValue:
    return jsonify(items=[complaint_json(c) for c in complaints.org_complaints(get_session(), me_())])


@bp.post("/complaints")
def create_complaint() -> ResponseReturnValue:
    require_filer(me_())
    data = _body()
    org_id = data.get("org_id")
    if org_id is not None and (not isinstance(org_id, int) or isinstance(org_id, bool)):
        raise Invalid("org_id must be the id of the rights holder you act for.", {"org_id": "Not an id."})
    complaint = complaints.create_complaint(get_session(), me_(), _complaint_input(data, partial=False), org_id)
    return jsonify(complaint_json(complaint, [])), 201


@bp.get("/complaints/<int:complaint_id>")
def complaint_detail(complaint_id: int) -> ResponseReturnValue:
    db = get_session()
    complaint = get_complaint(db, me_(), complaint_id)
    return jsonify(complaint_json(complaint, complaints.evidence_of(db, complaint)))


@bp.patch("/complaints/<int:complaint_id>")
def update_complaint(complaint_id: int) -> ResponseReturnValue:
    db = get_session()
    get_complaint(db, me_(), complaint_id)
    complaint = complaints.update_complaint(db, me_(), complaint_id, _complaint_input(_body(), partial=True))
    return jsonify(complaint_json(complaint, complaints.evidence_of(db, complaint)))


@bp.post("/complaints/<int:complaint_id>/submit")
def submit_complaint(complaint_id: int) -> ResponseReturnValue:
    return jsonify(complaint_json(complaints.submit_complaint(get_session(), me_(), complaint_id)))


@bp.post("/complaints/<int:complaint_id>/reply")
def reply(complaint_id: int) -> ResponseReturnValue:
    get_complaint(get_session(), me_(), complaint_id)
    reply_text = _body().get("reply", "")
    if not isinstance(reply_text, str):
        raise Invalid("reply must be a string.", {"reply": "Not a string."})
    return jsonify(complaint_json(complaints.reply_to_request(get_session(), me_(), complaint_id, reply_text)))


@bp.post("/complaints/<int:complaint_id>/evidence")
def upload_evidence(complaint_id: int) -> ResponseReturnValue:
    get_complaint(get_session(), me_(), complaint_id)
    store = get_store()
    with receive_upload(store) as upload:
        meta = evidence_meta(upload.values, upload.filename)
        item = evidence.add_evidence(get_session(), store, get_notary(), me_(), complaint_id, upload.finish, meta)
    return jsonify(evidence_json(item)), 201


@bp.get("/evidence/<int:evidence_id>")
def evidence_detail(evidence_id: int) -> ResponseReturnValue:
    db = get_session()
    item = evidence.view_item(db, me_(), evidence_id)
    return jsonify(evidence_json(item, integrity.damage_of(db, [item.sha256]).get(item.sha256)))


@bp.get("/evidence/<int:evidence_id>/content")
def evidence_content(evidence_id: int) -> ResponseReturnValue:
    return attachment(evidence.download(get_session(), get_store(), me_(), evidence_id))


@bp.post("/evidence/<int:evidence_id>/verify")
def verify_evidence(evidence_id: int) -> ResponseReturnValue:
    result = evidence.verify(get_session(), get_store(), me_(), evidence_id)
    return jsonify(
        id=result.item.id,
        outcome=result.outcome,
        ok=result.outcome == "ok",
        recorded_sha256=result.item.sha256,
        computed_sha256=result.sha256,
        size=result.size,
        verified_at=result.at.isoformat(),
    )


@bp.get("/evidence/<int:evidence_id>/custody")
def evidence_custody(evidence_id: int) -> ResponseReturnValue:
    events, report = evidence.custody(get_session(), me_(), evidence_id)
    return jsonify(events=[custody_json(e) for e in events], chain_ok=report.ok, problems=list(report.problems))


@bp.get("/evidence/<int:evidence_id>/receipt")
def evidence_receipt(evidence_id: int) -> ResponseReturnValue:
    notary = get_notary()
    view = receipts.view(get_session(), notary, me_(), evidence_id)
    if request.accept_mimetypes.best_match(["application/zip", "application/json"]) == "application/json":
        return jsonify(receipt_json(view))
    return receipt_archive(view, receipts.receipt_files(notary, view))


@bp.get("/review/complaints")
def review_queue() -> ResponseReturnValue:
    args = request.args
    try:
        page, per_page = int(args.get("page", 1)), int(args.get("per_page", 20))
    except ValueError:
        raise Invalid("page and per_page must be integers.") from None
    foreign = {"true": True, "false": False, None: None}.get(args.get("foreign"), "bad")
    if foreign == "bad":
        raise Invalid("foreign must be true or false.", {"foreign": "Not a boolean."})
    result = review.queue(
        get_session(),
        me_(),
        review.QueueFilter(
            status=_enum(ComplaintStatus, args["status"], "status") if args.get("status") else None,
            foreign=foreign,  # type: ignore[arg-type]
            right_type=_enum(RightType, args["right_type"], "right_type") if args.get("right_type") else None,
            newest_first=args.get("order", "newest") != "oldest",
            page=page,
            per_page=per_page,
        ),
    )
    return jsonify(
        items=[complaint_json(c) for c in result.items],
        total=result.total,
        page=result.page,
        per_page=result.per_page,
        pages=result.pages,
    )


def _case_input(data: dict[str, Any]) -> case_service.CaseInput:
    prosecutor = data.get("prosecutor_id", me_().id)
    if not isinstance(prosecutor, int):
        raise Invalid("prosecutor_id must be an integer.", {"prosecutor_id": "Not an id."})
    return case_service.CaseInput(
        case_number=str(data.get("case_number", "")),
        procuratorate=str(data.get("procuratorate", "")),
        charges=str(data.get("charges", "")),
        prosecutor_id=prosecutor,
        stage=_enum(Stage, data.get("stage", Stage.PROSECUTION_REVIEW.value), "stage"),
        opened_on=_date(data.get("opened_on"), "opened_on"),
    )


@bp.post("/complaints/<int:complaint_id>/decision")
def decide(complaint_id: int) -> ResponseReturnValue:
    require_role(me_(), REVIEWERS)
    data = _body()
    action = data.get("action")
    if action not in {"accept", "decline", "request_information"}:
        raise Invalid("action must be accept, decline or request_information.", {"action": "Unknown."})
    case_id = data.get("case_id")
    if case_id is not None and not isinstance(case_id, int):
        raise Invalid("case_id must be an integer.", {"case_id": "Not an id."})
    new_case = _case_input(data["case"]) if isinstance(data.get("case"), dict) else None
    complaint = review.decide(
        get_session(),
        me_(),
        complaint_id,
        review.Decision(
            action=action,
            message=str(data.get("message", "")),
            due=_date(data.get("due"), "due"),
            reason=str(data.get("reason", "")),
            case_id=case_id,
            new_case=new_case,
        ),
    )
    return jsonify(complaint_json(complaint))


def _case_body(case_id: int) -> dict[str, Any]:
    case = get_case(get_session(), me_(), case_id)
    visible = case_service.visible_complaints(get_session(), me_(), case)
    return case_json(case, case_service.timeline(me_(), case), visible)


@bp.get("/cases")
def list_cases() -> ResponseReturnValue:
    return jsonify(items=[_case_body(c.id) for c in case_service.list_cases(get_session(), me_())])


@bp.post("/cases")
def create_case() -> ResponseReturnValue:
    require_role(me_(), REVIEWERS)
    case = case_service.create_case(get_session(), me_(), _case_input(_body()))
    return jsonify(_case_body(case.id)), 201


@bp.get("/cases/<int:case_id>")
def case_detail(case_id: int) -> ResponseReturnValue:
    return jsonify(_case_body(case_id))


@bp.post("/cases/<int:case_id>/stages")
def add_stage(case_id: int) -> ResponseReturnValue:
    require_role(me_(), REVIEWERS)
    data = _body()
    occurred = _date(data.get("date"), "date")
    if occurred is None:
        raise Invalid("date is required.", {"date": "Required."})
    case_service.add_stage(
        get_session(),
        me_(),
        case_id,
        case_service.StageInput(
            stage=_enum(Stage, data.get("stage"), "stage"),
            occurred_on=occurred,
            note=str(data.get("note", "")),
            note_shared=bool(data.get("shared", False)),
        ),
    )
    return jsonify(_case_body(case_id)), 201


@bp.get("/cases/<int:case_id>/bundle")
def case_bundle(case_id: int) -> ResponseReturnValue:
    raw = request.args.get("evidence")
    wanted = None
    if raw is not None:
        parts = [p.strip() for p in raw.split(",")]
        if not parts or not all(p.isdigit() for p in parts):
            raise Invalid("evidence must be a comma-separated list of ids.", {"evidence": "Ids such as 3,5,8."})
        wanted = [int(p) for p in parts]
    export = bundles.export(get_session(), get_store(), get_notary(), me_(), case_id, wanted, evidence_list.render)
    return bundle_response(export)


from portal.api import (  # noqa: E402, F401 - register their routes on bp
    log,
    notifications,
    participation,
    powers,
    related,
    supervision,
)
