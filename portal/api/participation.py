"""Proceedings over the API: what rights holders do (read, acknowledge, submit) and what prosecutors do
(serve notices, record decisions, request, schedule hearings, share documents)."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.typing import ResponseReturnValue

from portal import invitations, notice_documents, notification_texts
from portal.api import bp, me_
from portal.api.contract import body, if_match, operation
from portal.db import get_session
from portal.downloads import attachment
from portal.links import external_url
from portal.models import EventKind
from portal.schemas import proceedings as schema
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
from portal.services.errors import NotFound
from portal.services.participation import check_participant, staff_case
from portal.services.shanghai import today_in_china
from portal.storage import get_store
from portal.uploads import case_document, receive_upload

STAFF = "Prosecutors only."


@bp.get("/cases/<int:case_id>/proceedings")
@operation(
    "Everything in the case's proceedings this user may see",
    tag="proceedings",
    description="Participants, notices, running deadlines, requests, hearings, shared documents and submissions.",
    response=schema.Proceedings,
)
def proceedings_view(case_id: int) -> ResponseReturnValue:
    db = get_session()
    case = get_case(db, me_(), case_id)
    o = proceedings.overview(db, me_(), case)
    today = today_in_china()
    return {
        "participants": [org_json(org) for org in o.participants],
        "notices": [notice_json(n) for n in o.notices],
        "deadlines": [deadline_json(d) for d in o.deadlines],
        "requests": [request_json(r, case_requests.is_overdue(r, today)) for r in o.requests],
        "hearings": [hearing_json(h) for h in o.hearings],
        "documents": [document_json(d) for d in o.documents],
        "submissions": [submission_json(s) for s in o.submissions],
    }


def _notice_of(case_id: int, notice_id: int) -> Any:
    notice = notices.get_notice(get_session(), me_(), notice_id)
    if notice.case_id != case_id:
        raise NotFound("There is no such notice.")
    return notice


@bp.get("/cases/<int:case_id>/notices/<int:notice_id>")
@operation("A notice (a participant's reading is recorded as opening it)", tag="proceedings", response=schema.Notice)
def notice_detail(case_id: int, notice_id: int) -> ResponseReturnValue:
    notice = _notice_of(case_id, notice_id)
    if not me_().role.is_staff:
        notices.open_notice(get_session(), me_(), notice_id)
    return notice_json(notice)


@bp.get("/cases/<int:case_id>/notices/<int:notice_id>/pdf")
@operation(
    "The notice as served, a bilingual PDF",
    tag="proceedings",
    produces={"application/octet-stream": "The PDF, as an attachment, checked against its SHA-256 as it streams."},
    errors=(409,),
)
def notice_pdf(case_id: int, notice_id: int) -> ResponseReturnValue:
    notice = _notice_of(case_id, notice_id)
    if not me_().role.is_staff:
        notices.open_notice(get_session(), me_(), notice_id)
    return attachment(documents.open_download(get_session(), get_store(), notice.document))


@bp.post("/cases/<int:case_id>/notices/<int:notice_id>/acknowledge")
@operation("Acknowledge a notice served on you", tag="proceedings", response=schema.Notice, errors=(403,))
def notice_acknowledge(case_id: int, notice_id: int) -> ResponseReturnValue:
    _notice_of(case_id, notice_id)
    return notice_json(notices.acknowledge(get_session(), me_(), notice_id))


@bp.get("/cases/<int:case_id>/documents/<int:document_id>/content")
@operation(
    "A case document shared with you",
    tag="proceedings",
    produces={"application/octet-stream": "The file, as an attachment, checked against its SHA-256 as it streams."},
    errors=(409,),
)
def document_content(case_id: int, document_id: int) -> ResponseReturnValue:
    document = documents.get_document(get_session(), me_(), document_id)
    if document.case_id != case_id:
        raise NotFound("There is no such document.")
    return attachment(documents.download(get_session(), get_store(), me_(), document_id))


@bp.get("/cases/<int:case_id>/hearings/<int:hearing_id>/ics")
@operation(
    "A hearing as a calendar invitation",
    tag="proceedings",
    produces={"text/calendar": "An iCalendar (RFC 5545) event; its SEQUENCE rises with every change."},
)
def hearing_invitation(case_id: int, hearing_id: int) -> Response:
    case, hearing = hearings.get_hearing(get_session(), me_(), case_id, hearing_id)
    params = hearings.invitation(case, hearing)
    title, _lines = notification_texts.render(EventKind.HEARING_SCHEDULED, params)
    invitation = invitations.ics(params, title, external_url("cases.case", case_id=case.id))
    return Response(invitation, mimetype="text/calendar")


def _loss(data: schema.LossInput | None) -> submissions.LossStatement | None:
    if data is None:
        return None
    return submissions.LossStatement(
        losses_claimed=data.losses_claimed,
        currency=data.currency.upper(),
        illegal_business_volume=data.illegal_business_volume,
        units=data.units,
        genuine_unit_price=data.genuine_unit_price,
        evidence=data.evidence,
    )


@bp.post("/cases/<int:case_id>/submissions")
@operation(
    "Send a submission: an opinion, a loss statement, an answer, attendance, a petition or a protest request",
    tag="proceedings",
    description="Each kind takes its own fields (see SubmissionInput); a field its kind does not take is "
    "refused with 422, never dropped.",
    body=schema.SubmissionInput,
    response=schema.Submission,
    status=201,
    errors=(403, 409),
    links={"submission_id": "id", "case_id": "case_id"},
)
def submit(case_id: int) -> ResponseReturnValue:
    db = get_session()
    get_case(db, me_(), case_id)
    data: schema.SubmissionInput = body()
    submission = submissions.submit(
        db,
        me_(),
        case_id,
        submissions.SubmissionInput(
            kind=data.kind,
            text=data.text,
            evidence_ids=data.evidence_ids,
            request_id=data.request_id,
            hearing_id=data.hearing_id,
            decision_id=data.decision_id,
            interpreter_language=data.interpreter_language,
            loss=_loss(data.loss),
            org_id=data.org_id,
        ),
    )
    return submission_json(submission)


@bp.get("/cases/<int:case_id>/submissions/<int:submission_id>")
@operation("A submission", tag="proceedings", response=schema.Submission)
def submission_detail(case_id: int, submission_id: int) -> ResponseReturnValue:
    db = get_session()
    case = get_case(db, me_(), case_id)
    return submission_json(submissions.get_submission(db, me_(), case, submission_id))


# Prosecutors ----------------------------------------------------------------------------------


@bp.post("/cases/<int:case_id>/notices")
@operation(
    "Serve a notice on a participant (prosecutors)",
    tag="proceedings",
    body=schema.NoticeInput,
    response=schema.Notice,
    status=201,
    errors=(403,),
    links={"notice_id": "id", "case_id": "case_id"},
)
def serve_notice(case_id: int) -> ResponseReturnValue:
    db = get_session()
    case = staff_case(db, me_(), case_id)
    data: schema.NoticeInput = body()
    org = check_participant(db, case, data.org_id)
    default_zh, default_en = notice_documents.default_texts(case, org, today_in_china())
    notice = notices.serve(
        db,
        get_store(),
        me_(),
        case_id,
        org.id,
        data.text_zh or default_zh,
        data.text_en or default_en,
        notice_documents.render_pdf,
    )
    return notice_json(notice)


@bp.post("/cases/<int:case_id>/decisions")
@operation(
    "Record a decision that opens a statutory deadline (prosecutors)",
    tag="proceedings",
    body=schema.DecisionInput,
    response=schema.Deadline,
    status=201,
    errors=(403,),
)
def record_decision(case_id: int) -> ResponseReturnValue:
    db = get_session()
    case = staff_case(db, me_(), case_id)
    data: schema.DecisionInput = body()
    decision = deadlines.record_decision(db, me_(), case.id, data.kind, data.decided_on, data.served_on, data.summary)
    return deadline_json(deadlines.describe(db, me_(), decision))


@bp.post("/cases/<int:case_id>/requests")
@operation(
    "Ask a participant for something by a date (prosecutors)",
    tag="proceedings",
    body=schema.RequestInput,
    response=schema.CaseRequest,
    status=201,
    errors=(403,),
)
def make_request(case_id: int) -> ResponseReturnValue:
    staff_case(get_session(), me_(), case_id)
    data: schema.RequestInput = body()
    made = case_requests.make_request(get_session(), me_(), case_id, data.org_id, data.kind, data.message, data.due_on)
    return request_json(made, False)


def _hearing_input(data: schema.HearingInput) -> hearings.HearingInput:
    return hearings.HearingInput(
        starts_at=data.starts_at,
        duration_minutes=data.duration_minutes,
        court=data.court,
        room=data.room,
        remote_url=data.remote_url,
        interpreter=data.interpreter,
        note=data.note,
    )


@bp.post("/cases/<int:case_id>/hearings")
@operation(
    "Schedule a hearing (prosecutors)",
    tag="proceedings",
    body=schema.HearingInput,
    response=schema.Hearing,
    status=201,
    errors=(403,),
    links={"hearing_id": "id", "case_id": "case_id"},
    etag="sequence",
)
def schedule_hearing(case_id: int) -> ResponseReturnValue:
    staff_case(get_session(), me_(), case_id)
    return hearing_json(hearings.schedule(get_session(), me_(), case_id, _hearing_input(body())))


@bp.put("/cases/<int:case_id>/hearings/<int:hearing_id>")
@operation(
    "Change a hearing (prosecutors)",
    tag="proceedings",
    body=schema.HearingInput,
    response=schema.Hearing,
    errors=(403, 409),
    etag="sequence",
)
def change_hearing(case_id: int, hearing_id: int) -> ResponseReturnValue:
    staff_case(get_session(), me_(), case_id)
    changed = hearings.change(get_session(), me_(), case_id, hearing_id, _hearing_input(body()), if_match())
    return hearing_json(changed)


@bp.post("/cases/<int:case_id>/hearings/<int:hearing_id>/cancel")
@operation(
    "Cancel a hearing (prosecutors)",
    tag="proceedings",
    body=schema.Cancellation,
    response=schema.Hearing,
    errors=(403, 409),
)
def cancel_hearing(case_id: int, hearing_id: int) -> ResponseReturnValue:
    staff_case(get_session(), me_(), case_id)
    data: schema.Cancellation = body()
    return hearing_json(hearings.cancel(get_session(), me_(), case_id, hearing_id, data.reason))


@bp.post("/cases/<int:case_id>/documents")
@operation(
    "Upload a case document and share it with participants (prosecutors)",
    tag="proceedings",
    upload=True,
    fields=schema.DocumentFields,
    response=schema.Document,
    status=201,
    errors=(403,),
)
def add_document(case_id: int) -> ResponseReturnValue:
    staff_case(get_session(), me_(), case_id)
    store = get_store()
    with receive_upload(store, me_()) as upload:
        document = case_document(store, me_(), case_id, upload)
    return document_json(document, [s.org_id for s in document.shares if s.withdrawn_at is None])


@bp.post("/cases/<int:case_id>/documents/<int:document_id>/share")
@operation(
    "Share a case document with more participants (prosecutors)",
    tag="proceedings",
    body=schema.Share,
    response=schema.Shared,
    errors=(403,),
)
def share_document(case_id: int, document_id: int) -> ResponseReturnValue:
    staff_case(get_session(), me_(), case_id)
    data: schema.Share = body()
    return {"shared_now": documents.share(get_session(), me_(), case_id, document_id, data.org_ids)}


@bp.post("/cases/<int:case_id>/documents/<int:document_id>/withdraw")
@operation(
    "Stop sharing a case document with a participant (prosecutors)",
    tag="proceedings",
    body=schema.Withdrawal,
    status=204,
    errors=(403,),
)
def withdraw_document(case_id: int, document_id: int) -> None:
    staff_case(get_session(), me_(), case_id)
    data: schema.Withdrawal = body()
    documents.withdraw(get_session(), me_(), case_id, document_id, data.org_id)
