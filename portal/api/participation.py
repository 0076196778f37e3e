"""Proceedings over the API: what rights holders do (read, acknowledge, submit) and what prosecutors do
(serve notices, record decisions, request, schedule hearings, share documents)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import Response, jsonify, request
from flask.typing import ResponseReturnValue

from portal import invitations, notice_documents, notification_texts
from portal.api import _body, _date, _enum, bp, me_
from portal.db import get_session
from portal.downloads import attachment
from portal.links import external_url
from portal.models import DecisionKind, DocumentKind, EventKind, RequestKind, SubmissionKind
from portal.serialise import (
    deadline_json,
    document_json,
    hearing_json,
    notice_json,
    org_json,
    request_json,
    submission_json,
)
from portal.services import case_requests, deadlines, documents, hearings, notices, proceedings, submissions
from portal.services.access import get_case
from portal.services.errors import Invalid, NotFound
from portal.services.participation import check_participant, staff_case
from portal.services.shanghai import today_in_china
from portal.storage import get_store
from portal.uploads import receive_upload


def _int(data: dict[str, Any], name: str, required: bool = False) -> int | None:
    value = data.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise Invalid(f"{name} must be an integer.", {name: "Not an id."})
    return value


def _text(data: dict[str, Any], name: str) -> str:
    value = data.get(name, "")
    if not isinstance(value, str):
        raise Invalid(f"{name} must be a string.", {name: "Not a string."})
    return value


def _ids(data: dict[str, Any], name: str) -> list[int]:
    value = data.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        raise Invalid(f"{name} must be a list of ids.", {name: "Not a list of ids."})
    return value


def _decimal(data: dict[str, Any], name: str) -> Decimal | None:
    value = data.get(name)
    if value is None:
        return None
    try:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise InvalidOperation
        return Decimal(str(value))
    except InvalidOperation:
        raise Invalid(f"{name} must be a number (a string such as \"1250.00\").", {name: "Not a number."}) from None


def _datetime(data: dict[str, Any], name: str) -> datetime:
    raw = data.get(name)
    try:
        value = datetime.fromisoformat(str(raw))
    except (TypeError, ValueError):
        message = f"{name} must be an ISO 8601 date and time with its offset."
        raise Invalid(message, {name: "Not a date-time."}) from None
    if value.tzinfo is None:
        raise Invalid(f"{name} must carry its UTC offset, e.g. +08:00.", {name: "No offset."})
    return value.astimezone(UTC)


@bp.get("/cases/<int:case_id>/proceedings")
def proceedings_view(case_id: int) -> ResponseReturnValue:
    db = get_session()
    case = get_case(db, me_(), case_id)
    o = proceedings.overview(db, me_(), case)
    today = today_in_china()
    return jsonify(
        participants=[org_json(org) for org in o.participants],
        notices=[notice_json(n) for n in o.notices],
        deadlines=[deadline_json(d) for d in o.deadlines],
        requests=[request_json(r, case_requests.is_overdue(r, today)) for r in o.requests],
        hearings=[hearing_json(h) for h in o.hearings],
        documents=[document_json(d) for d in o.documents],
        submissions=[submission_json(s) for s in o.submissions],
    )


@bp.get("/cases/<int:case_id>/notices/<int:notice_id>")
def notice_detail(case_id: int, notice_id: int) -> ResponseReturnValue:
    db = get_session()
    notice = _notice_of(case_id, notice_id)
    if not me_().role.is_staff:
        notices.open_notice(db, me_(), notice_id)
    return jsonify(notice_json(notice))


def _notice_of(case_id: int, notice_id: int) -> Any:
    notice = notices.get_notice(get_session(), me_(), notice_id)
    if notice.case_id != case_id:
        raise NotFound("There is no such notice.")
    return notice


@bp.get("/cases/<int:case_id>/notices/<int:notice_id>/pdf")
def notice_pdf(case_id: int, notice_id: int) -> ResponseReturnValue:
    notice = _notice_of(case_id, notice_id)
    if not me_().role.is_staff:
        notices.open_notice(get_session(), me_(), notice_id)
    return attachment(documents.open_download(get_session(), get_store(), notice.document))


@bp.post("/cases/<int:case_id>/notices/<int:notice_id>/acknowledge")
def notice_acknowledge(case_id: int, notice_id: int) -> ResponseReturnValue:
    _notice_of(case_id, notice_id)
    return jsonify(notice_json(notices.acknowledge(get_session(), me_(), notice_id)))


@bp.get("/cases/<int:case_id>/documents/<int:document_id>/content")
def document_content(case_id: int, document_id: int) -> ResponseReturnValue:
    document = documents.get_document(get_session(), me_(), document_id)
    if document.case_id != case_id:
        raise NotFound("There is no such document.")
    return attachment(documents.download(get_session(), get_store(), me_(), document_id))


@bp.get("/cases/<int:case_id>/hearings/<int:hearing_id>/ics")
def hearing_invitation(case_id: int, hearing_id: int) -> Response:
    case, hearing = hearings.get_hearing(get_session(), me_(), case_id, hearing_id)
    params = hearings.invitation(case, hearing)
    title, _lines = notification_texts.render(EventKind.HEARING_SCHEDULED, params)
    body = invitations.ics(params, title, external_url("cases.case", case_id=case.id))
    return Response(body, mimetype="text/calendar")


def _loss(data: Any) -> submissions.LossStatement | None:
    if data is None:
        return None
    if not isinstance(data, dict):
        raise Invalid("loss must be an object.", {"loss": "Not an object."})
    units = data.get("units")
    if units is not None and (not isinstance(units, int) or isinstance(units, bool)):
        raise Invalid("units must be an integer.", {"units": "Not an integer."})
    evidence = data.get("evidence", {})
    if not isinstance(evidence, dict):
        raise Invalid("loss.evidence must map figures to lists of ids.", {"evidence": "Not an object."})
    return submissions.LossStatement(
        losses_claimed=_decimal(data, "losses_claimed"),
        currency=_text(data, "currency") or "CNY",
        illegal_business_volume=_decimal(data, "illegal_business_volume"),
        units=units,
        genuine_unit_price=_decimal(data, "genuine_unit_price"),
        evidence={str(figure): _ids(evidence, figure) for figure in evidence},
    )


@bp.post("/cases/<int:case_id>/submissions")
def submit(case_id: int) -> ResponseReturnValue:
    db = get_session()
    get_case(db, me_(), case_id)
    data = _body()
    submission = submissions.submit(
        db,
        me_(),
        case_id,
        submissions.SubmissionInput(
            kind=_enum(SubmissionKind, data.get("kind"), "kind"),
            text=_text(data, "text"),
            evidence_ids=_ids(data, "evidence_ids"),
            request_id=_int(data, "request_id"),
            hearing_id=_int(data, "hearing_id"),
            decision_id=_int(data, "decision_id"),
            interpreter_language=_text(data, "interpreter_language"),
            loss=_loss(data.get("loss")),
            org_id=_int(data, "org_id"),
        ),
    )
    return jsonify(submission_json(submission)), 201


@bp.get("/cases/<int:case_id>/submissions/<int:submission_id>")
def submission_detail(case_id: int, submission_id: int) -> ResponseReturnValue:
    db = get_session()
    case = get_case(db, me_(), case_id)
    return jsonify(submission_json(submissions.get_submission(db, me_(), case, submission_id)))


# Prosecutors ----------------------------------------------------------------------------------


@bp.post("/cases/<int:case_id>/notices")
def serve_notice(case_id: int) -> ResponseReturnValue:
    db = get_session()
    case = staff_case(db, me_(), case_id)
    data = _body()
    org = check_participant(db, case, _int(data, "org_id", required=True) or 0)
    default_zh, default_en = notice_documents.default_texts(case, org, today_in_china())
    notice = notices.serve(
        db,
        get_store(),
        me_(),
        case_id,
        org.id,
        _text(data, "text_zh") or default_zh,
        _text(data, "text_en") or default_en,
        notice_documents.render_pdf,
    )
    return jsonify(notice_json(notice)), 201


@bp.post("/cases/<int:case_id>/decisions")
def record_decision(case_id: int) -> ResponseReturnValue:
    db = get_session()
    case = staff_case(db, me_(), case_id)
    data = _body()
    decided, served = _date(data.get("decided_on"), "decided_on"), _date(data.get("served_on"), "served_on")
    if decided is None or served is None:
        raise Invalid("decided_on and served_on are required.", {"decided_on": "Required.", "served_on": "Required."})
    decision = deadlines.record_decision(
        db, me_(), case.id, _enum(DecisionKind, data.get("kind"), "kind"), decided, served, _text(data, "summary")
    )
    return jsonify(deadline_json(deadlines.describe(db, me_(), decision))), 201


@bp.post("/cases/<int:case_id>/requests")
def make_request(case_id: int) -> ResponseReturnValue:
    staff_case(get_session(), me_(), case_id)
    data = _body()
    made = case_requests.make_request(
        get_session(),
        me_(),
        case_id,
        _int(data, "org_id", required=True) or 0,
        _enum(RequestKind, data.get("kind"), "kind"),
        _text(data, "message"),
        _date(data.get("due_on"), "due_on"),
    )
    return jsonify(request_json(made, False)), 201


def _hearing_input(data: dict[str, Any]) -> hearings.HearingInput:
    duration = _int(data, "duration_minutes", required=True) or 0
    return hearings.HearingInput(
        starts_at=_datetime(data, "starts_at"),
        duration_minutes=duration,
        court=_text(data, "court"),
        room=_text(data, "room"),
        remote_url=_text(data, "remote_url"),
        interpreter=bool(data.get("interpreter", False)),
        note=_text(data, "note"),
    )


@bp.post("/cases/<int:case_id>/hearings")
def schedule_hearing(case_id: int) -> ResponseReturnValue:
    staff_case(get_session(), me_(), case_id)
    hearing = hearings.schedule(get_session(), me_(), case_id, _hearing_input(_body()))
    return jsonify(hearing_json(hearing)), 201


@bp.put("/cases/<int:case_id>/hearings/<int:hearing_id>")
def change_hearing(case_id: int, hearing_id: int) -> ResponseReturnValue:
    staff_case(get_session(), me_(), case_id)
    return jsonify(hearing_json(hearings.change(get_session(), me_(), case_id, hearing_id, _hearing_input(_body()))))


@bp.post("/cases/<int:case_id>/hearings/<int:hearing_id>/cancel")
def cancel_hearing(case_id: int, hearing_id: int) -> ResponseReturnValue:
    staff_case(get_session(), me_(), case_id)
    reason = _text(_body(), "reason")
    return jsonify(hearing_json(hearings.cancel(get_session(), me_(), case_id, hearing_id, reason)))


@bp.post("/cases/<int:case_id>/documents")
def add_document(case_id: int) -> ResponseReturnValue:
    staff_case(get_session(), me_(), case_id)
    store = get_store()
    with receive_upload(store) as upload:
        kind = _enum(DocumentKind, upload.values.get("kind"), "kind")
        raw = request.args.getlist("org_ids")
        if not all(v.isdigit() for v in raw):
            raise Invalid("org_ids must be organisation ids.", {"org_ids": "Not ids."})
        document = documents.add_document(
            get_session(),
            store,
            me_(),
            case_id,
            kind,
            upload.values.get("title", ""),
            [int(v) for v in raw],
            upload.filename,
            upload.finish,
        )
    return jsonify(document_json(document, [s.org_id for s in document.shares if s.withdrawn_at is None])), 201


@bp.post("/cases/<int:case_id>/documents/<int:document_id>/share")
def share_document(case_id: int, document_id: int) -> ResponseReturnValue:
    staff_case(get_session(), me_(), case_id)
    newly = documents.share(get_session(), me_(), case_id, document_id, _ids(_body(), "org_ids"))
    return jsonify(shared_now=newly)


@bp.post("/cases/<int:case_id>/documents/<int:document_id>/withdraw")
def withdraw_document(case_id: int, document_id: int) -> ResponseReturnValue:
    staff_case(get_session(), me_(), case_id)
    documents.withdraw(get_session(), me_(), case_id, document_id, _int(_body(), "org_id", required=True) or 0)
    return "", 204
