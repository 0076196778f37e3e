"""Taking part in a case: prosecutors serve notices, record decisions, make requests, schedule
hearings and share documents; rights holders read, acknowledge, answer and submit."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from portal import invitations, labels, notice_documents, notification_texts
from portal.db import get_session
from portal.downloads import attachment
from portal.forms import apply_errors
from portal.links import external_url
from portal.login import actor
from portal.models import DecisionKind, EventKind, RequestKind, SubmissionKind
from portal.participation.forms import (
    FORMS,
    CancelForm,
    DecisionForm,
    HearingForm,
    LossForm,
    NoticeForm,
    RequestForm,
)
from portal.serialise import document_json
from portal.services import case_requests, deadlines, documents, hearings, notices, proceedings, submissions
from portal.services.access import get_case
from portal.services.errors import DomainError, Invalid
from portal.services.participation import check_participant, participant_case, participants, staff_case
from portal.services.shanghai import CHINA, today_in_china
from portal.storage import get_store
from portal.uploads import case_document, receive_upload

bp = Blueprint("participation", __name__, url_prefix="/cases/<int:case_id>")


def _back(case_id: int, anchor: str) -> ResponseReturnValue:
    return redirect(url_for("cases.case", case_id=case_id, _anchor=anchor))


def _failed(form: FlaskForm, exc: DomainError | None, case_id: int, anchor: str) -> ResponseReturnValue:
    """A form on the case page was refused: say why, field by field, at the top of the case page."""
    if exc is not None:
        apply_errors(form, exc)
    for message in form.form_errors:
        flash(message, "error")
    for name, errors in form.errors.items():
        if name != "csrf_token":
            flash(f"{getattr(form, name).label.text}: {'; '.join(str(e) for e in errors)}", "error")
    return _back(case_id, anchor)


# Prosecutors -----------------------------------------------------------------------------------


@bp.route("/notices/new", methods=["GET", "POST"])
def serve_notice(case_id: int) -> ResponseReturnValue:
    db = get_session()
    case = staff_case(db, actor(), case_id)
    org = check_participant(db, case, request.args.get("org", type=int) or 0)
    form = NoticeForm()
    if request.method == "GET":
        form.text_zh.data, form.text_en.data = notice_documents.default_texts(case, org, today_in_china())
    elif form.validate_on_submit():
        try:
            notices.serve(
                db,
                get_store(),
                actor(),
                case_id,
                org.id,
                form.text_zh.data or "",
                form.text_en.data or "",
                notice_documents.render_pdf,
            )
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            flash(_("Notice served on %(org)s.", org=org.legal_name), "success")
            return _back(case_id, "participants")
    status = 422 if form.errors or form.form_errors else 200
    return render_template("participation/notice_form.html", case=case, org=org, form=form), status


@bp.post("/decisions")
def record_decision(case_id: int) -> ResponseReturnValue:
    staff_case(get_session(), actor(), case_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        return _failed(form, None, case_id, "decisions")
    try:
        decision = deadlines.record_decision(
            get_session(),
            actor(),
            case_id,
            DecisionKind(form.kind.data),
            form.decided_on.data,  # type: ignore[arg-type]
            form.served_on.data,  # type: ignore[arg-type]
            form.summary.data or "",
        )
    except DomainError as exc:
        return _failed(form, exc, case_id, "decisions")
    flash(_("Decision recorded; the deadline is %(date)s.", date=decision.due_on.isoformat()), "success")
    return _back(case_id, "decisions")


@bp.post("/requests")
def make_request(case_id: int) -> ResponseReturnValue:
    db = get_session()
    case = staff_case(db, actor(), case_id)
    form = RequestForm()
    form.org_id.choices = [(o.id, o.legal_name) for o in participants(db, case)]
    if not form.validate_on_submit():
        return _failed(form, None, case_id, "requests")
    try:
        case_requests.make_request(
            db,
            actor(),
            case_id,
            form.org_id.data,  # type: ignore[arg-type]
            RequestKind(form.kind.data),
            form.message.data or "",
            form.due_on.data,
        )
    except DomainError as exc:
        return _failed(form, exc, case_id, "requests")
    flash(_("Request sent."), "success")
    return _back(case_id, "requests")


def _hearing_input(form: HearingForm) -> hearings.HearingInput:
    starts = datetime.combine(form.day.data, form.time.data, CHINA)  # type: ignore[arg-type]
    return hearings.HearingInput(
        starts_at=starts,
        duration_minutes=form.duration_minutes.data or 0,
        court=form.court.data or "",
        room=form.room.data or "",
        remote_url=form.remote_url.data or "",
        interpreter=bool(form.interpreter.data),
        note=form.note.data or "",
    )


@bp.post("/hearings")
def schedule_hearing(case_id: int) -> ResponseReturnValue:
    staff_case(get_session(), actor(), case_id)
    form = HearingForm()
    if not form.validate_on_submit():
        return _failed(form, None, case_id, "hearings")
    try:
        hearings.schedule(get_session(), actor(), case_id, _hearing_input(form))
    except DomainError as exc:
        return _failed(form, exc, case_id, "hearings")
    flash(_("Hearing scheduled; the participants have been told."), "success")
    return _back(case_id, "hearings")


@bp.route("/hearings/<int:hearing_id>/edit", methods=["GET", "POST"])
def change_hearing(case_id: int, hearing_id: int) -> ResponseReturnValue:
    db = get_session()
    staff_case(db, actor(), case_id)
    case, hearing = hearings.get_hearing(db, actor(), case_id, hearing_id)
    local = hearing.starts_at.astimezone(CHINA)
    form = HearingForm(obj=hearing, day=local.date(), time=local.time())
    cancel = CancelForm(prefix="cancel")
    if form.validate_on_submit():
        try:
            hearings.change(db, actor(), case_id, hearing_id, _hearing_input(form))
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            flash(_("Hearing changed; the participants have been told."), "success")
            return _back(case_id, "hearings")
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "participation/hearing_form.html", case=case, hearing=hearing, form=form, cancel=cancel
    ), status


@bp.post("/hearings/<int:hearing_id>/cancel")
def cancel_hearing(case_id: int, hearing_id: int) -> ResponseReturnValue:
    staff_case(get_session(), actor(), case_id)
    form = CancelForm(prefix="cancel")
    if not form.validate_on_submit():
        return _failed(form, None, case_id, "hearings")
    try:
        hearings.cancel(get_session(), actor(), case_id, hearing_id, form.reason.data or "")
    except DomainError as exc:
        return _failed(form, exc, case_id, "hearings")
    flash(_("Hearing cancelled; the participants have been told."), "success")
    return _back(case_id, "hearings")


@bp.post("/documents")
def add_document(case_id: int) -> ResponseReturnValue:
    """A document: a finished resumable upload named in JSON beside its details (the page's uploader), or the
    raw body with its details in the query."""
    staff_case(get_session(), actor(), case_id)
    store = get_store()
    with receive_upload(store, actor()) as upload:
        document = case_document(store, actor(), case_id, upload)
    return jsonify(document_json(document)), 201


@bp.post("/documents/<int:document_id>/share")
def share_document(case_id: int, document_id: int) -> ResponseReturnValue:
    orgs = [int(v) for v in request.form.getlist("org_ids") if v.isdigit()]
    try:
        documents.share(get_session(), actor(), case_id, document_id, orgs)
    except Invalid as exc:
        flash(exc.translated(_), "error")
    else:
        flash(_("Document shared."), "success")
    return _back(case_id, "documents")


@bp.post("/documents/<int:document_id>/withdraw")
def withdraw_document(case_id: int, document_id: int) -> ResponseReturnValue:
    org = request.form.get("org_id", type=int) or 0
    documents.withdraw(get_session(), actor(), case_id, document_id, org)
    flash(_("Sharing withdrawn; the participant no longer sees the document."), "success")
    return _back(case_id, "documents")


# Both sides -----------------------------------------------------------------------------------


@bp.get("/notices/<int:notice_id>")
def notice(case_id: int, notice_id: int) -> ResponseReturnValue:
    db = get_session()
    case = get_case(db, actor(), case_id)
    record = notices.get_notice(db, actor(), notice_id)
    if record.case_id != case.id:
        return render_template("error.html", status=404, message=_("There is no such notice.")), 404
    if not actor().role.is_staff:
        notices.open_notice(db, actor(), notice_id)
    return render_template("participation/notice.html", case=case, notice=record)


@bp.get("/notices/<int:notice_id>/pdf")
def notice_pdf(case_id: int, notice_id: int) -> ResponseReturnValue:
    db = get_session()
    record = notices.get_notice(db, actor(), notice_id)
    if record.case_id != case_id:
        return render_template("error.html", status=404, message=_("There is no such notice.")), 404
    if not actor().role.is_staff:
        notices.open_notice(db, actor(), notice_id)
    return attachment(documents.open_download(db, get_store(), record.document))


@bp.post("/notices/<int:notice_id>/acknowledge")
def acknowledge_notice(case_id: int, notice_id: int) -> ResponseReturnValue:
    notices.acknowledge(get_session(), actor(), notice_id)
    flash(_("Thank you: your acknowledgement is recorded."), "success")
    return redirect(url_for("participation.notice", case_id=case_id, notice_id=notice_id))


@bp.get("/documents/<int:document_id>")
def document(case_id: int, document_id: int) -> ResponseReturnValue:
    record = documents.get_document(get_session(), actor(), document_id)
    if record.case_id != case_id:
        return render_template("error.html", status=404, message=_("There is no such document.")), 404
    return attachment(documents.download(get_session(), get_store(), actor(), document_id))


@bp.get("/hearings/<int:hearing_id>.ics")
def hearing_ics(case_id: int, hearing_id: int) -> Response:
    case, hearing = hearings.get_hearing(get_session(), actor(), case_id, hearing_id)
    params = hearings.invitation(case, hearing)
    title, _lines = notification_texts.render(EventKind.HEARING_SCHEDULED, params)
    body = invitations.ics(params, title, external_url("cases.case", case_id=case.id))
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="hearing-{hearing.id}.ics"'
    return response


@bp.get("/submissions/<int:submission_id>")
def submission(case_id: int, submission_id: int) -> ResponseReturnValue:
    db = get_session()
    case = get_case(db, actor(), case_id)
    record = submissions.get_submission(db, actor(), case, submission_id)
    return render_template("participation/submission.html", case=case, submission=record)


# Rights holders -------------------------------------------------------------------------------


def _evidence_choices(overview: proceedings.Overview) -> list[tuple[int, str]]:
    return [(item.id, f"#{item.id} {item.filename}") for item in overview.evidence]


def _submission_input(kind: SubmissionKind, form: FlaskForm) -> submissions.SubmissionInput:
    args = request.args
    if isinstance(form, LossForm):
        loss = submissions.LossStatement(
            losses_claimed=form.losses_claimed.data,
            currency=form.currency.data or "",
            illegal_business_volume=form.illegal_business_volume.data,
            units=form.units.data,
            genuine_unit_price=form.genuine_unit_price.data,
            evidence={f: tuple(getattr(form, f"evidence_{f}").data or ()) for f in submissions.LOSS_FIGURES},
        )
        return submissions.SubmissionInput(
            kind,
            text=form.text.data or "",
            loss=loss,
            request_id=args.get("request", type=int),
            org_id=args.get("org", type=int),
        )
    return submissions.SubmissionInput(
        kind,
        text=form.text.data or "",
        evidence_ids=tuple(form.evidence_ids.data or ()) if hasattr(form, "evidence_ids") else (),
        request_id=args.get("request", type=int),
        hearing_id=args.get("hearing", type=int),
        decision_id=args.get("decision", type=int),
        interpreter_language=form.interpreter_language.data or "" if hasattr(form, "interpreter_language") else "",
        org_id=args.get("org", type=int),
    )


@bp.route("/submit/<kind>", methods=["GET", "POST"])
def submit(case_id: int, kind: str) -> ResponseReturnValue:
    db = get_session()
    case, org_id = participant_case(db, actor(), case_id, request.args.get("org", type=int))
    try:
        chosen = SubmissionKind(kind)
    except ValueError:
        return render_template("error.html", status=404, message=_("There is no such kind of submission.")), 404
    overview = proceedings.overview(db, actor(), case)
    form: FlaskForm = FORMS[chosen]()
    for field in form:
        if field.name.startswith("evidence"):
            field.choices = _evidence_choices(overview)
    context = submissions.context(db, case, org_id, chosen, request.args)
    if form.validate_on_submit():
        try:
            record = submissions.submit(db, actor(), case_id, _submission_input(chosen, form))
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            flash(_("Submitted. Its SHA-256 is %(sha)s.", sha=record.sha256), "success")
            return redirect(url_for("participation.submission", case_id=case_id, submission_id=record.id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "participation/submit.html",
        case=case,
        kind=chosen,
        kind_label=labels.SUBMISSION_KIND[chosen],
        form=form,
        context=context,
    ), status
