"""Rights-holder pages: rights, complaints, evidence upload, replies."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from portal.db import get_session
from portal.forms import apply_errors
from portal.holder.forms import ComplaintForm, ConfirmForm, ReplyForm, RightForm
from portal.login import actor
from portal.models import AgencyScope, EvidenceKind, IPRight, RightType, Role
from portal.routing import page_window
from portal.serialise import evidence_json
from portal.services import agency
from portal.services import cases as case_service
from portal.services import complaints as service
from portal.services.access import get_complaint, require_filing_holder
from portal.services.errors import DomainError, Forbidden, Invalid
from portal.services.evidence import UPLOADABLE, add_evidence
from portal.signing import get_notary
from portal.storage import get_store
from portal.uploads import evidence_meta, receive_upload

bp = Blueprint("holder", __name__)


@bp.before_request
def _holders_only() -> None:
    if actor().role is not Role.HOLDER:
        abort(403)


@bp.route("/rights", methods=["GET", "POST"])
def rights() -> ResponseReturnValue:
    form = RightForm()
    db = get_session()
    principals = _principal_choices() if actor().is_agent else []
    form.org_id.choices = principals
    if form.validate_on_submit():
        try:
            service.add_right(
                db,
                actor(),
                service.RightInput(
                    right_type=RightType(form.right_type.data),
                    registration_number=form.registration_number.data or "",
                    registry=form.registry.data or "",
                    owner=form.owner.data or "",
                    valid_from=form.valid_from.data,
                    valid_until=form.valid_until.data,
                    scope=form.scope.data or "",
                    org_id=form.org_id.data if actor().is_agent else None,
                ),
            )
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            flash(_("Right recorded."), "success")
            return redirect(url_for("holder.rights"))
    return render_template(
        "holder/rights.html",
        form=form,
        rights=service.org_rights(db, actor()).items,
        principals=principals,
        retire=ConfirmForm(),
    ), 422 if form.errors else 200


@bp.post("/rights/<int:right_id>/retire")
def retire_right(right_id: int) -> ResponseReturnValue:
    if ConfirmForm().validate_on_submit():
        right = service.retire_right(get_session(), actor(), right_id)
        number = right.registration_number
        flash(_("Right %(number)s retired: new complaints cannot rely on it.", number=number), "success")
    return redirect(url_for("holder.rights"))


@bp.get("/complaints")
def complaints() -> str:
    return render_template("holder/complaints.html", page=service.org_complaints(get_session(), actor(), page_window()))


def _complaint_input(form: ComplaintForm) -> service.ComplaintInput:
    return service.ComplaintInput(
        title=form.title.data or "",
        facts=form.facts.data or "",
        right_ids=tuple(form.right_ids.data or ()),
        infringers=tuple(
            service.InfringerInput(
                name=entry.form.name.data or "",
                address=entry.form.address.data or "",
                shop_urls=tuple((entry.form.shop_urls.data or "").split()),
                platform=entry.form.platform.data or "",
            )
            for entry in form.infringers
            if any((entry.form.name.data, entry.form.address.data, entry.form.shop_urls.data))
        ),
        discovered_on=form.discovered_on.data,
        discovery_method=form.discovery_method.data or "",
        illegal_volume=form.illegal_volume.data,
        units=form.units.data,
        currency=(form.currency.data or "").upper(),
        language=form.language.data or "en",
    )


def _principal_choices() -> list[tuple[int, str]]:
    """For an agent, the principals it may file for; a rights holder files for itself only."""
    db = get_session()
    if not actor().is_agent:
        require_filing_holder(db, actor())
        return []
    choices = [(o.id, o.legal_name) for o in agency.principals(db, actor(), AgencyScope.COMPLAINTS)]
    if not choices:
        raise Forbidden("No rights holder has a power of attorney in force for your organisation to file complaints.")
    return choices


def _right_label(right: IPRight) -> str:
    label = f"{right.registration_number} · {right.registry_name}"
    return f"{right.organisation.legal_name}: {label}" if actor().is_agent else label


def _edit(complaint_id: int | None) -> ResponseReturnValue:
    db = get_session()
    principals = _principal_choices()
    complaint = service.editable_complaint(db, actor(), complaint_id) if complaint_id else None
    form = ComplaintForm(obj=complaint) if complaint and request.method == "GET" else ComplaintForm()
    form.org_id.choices = principals
    kept = {r.id for r in complaint.rights} if complaint else set()
    form.right_ids.choices = [
        (r.id, _right_label(r)) for r in service.org_rights(db, actor()).items if r.retired_at is None or r.id in kept
    ]
    if complaint and request.method == "GET":
        form.right_ids.data = [r.id for r in complaint.rights]
        for entry, infringer in zip(form.infringers, complaint.infringers, strict=False):
            entry.form.shop_urls.data = "\n".join(infringer.url_list)
    if "add_infringer" in request.form:
        form.infringers.append_entry()
    elif form.validate_on_submit():
        try:
            data = _complaint_input(form)
            if complaint:
                complaint = service.update_complaint(db, actor(), complaint.id, data)
            else:
                complaint = service.create_complaint(db, actor(), data, form.org_id.data if principals else None)
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            flash(_("Draft saved."), "success")
            return redirect(url_for("holder.complaint", complaint_id=complaint.id))
    return render_template(
        "holder/complaint_form.html", form=form, complaint=complaint, principals=principals
    ), 422 if form.errors else 200


@bp.route("/complaints/new", methods=["GET", "POST"])
def new_complaint() -> ResponseReturnValue:
    return _edit(None)


@bp.route("/complaints/<int:complaint_id>/edit", methods=["GET", "POST"])
def edit_complaint(complaint_id: int) -> ResponseReturnValue:
    return _edit(complaint_id)


@bp.get("/complaints/<int:complaint_id>")
def complaint(complaint_id: int) -> str:
    db = get_session()
    record = get_complaint(db, actor(), complaint_id)
    return render_template(
        "holder/complaint.html",
        complaint=record,
        evidence=service.evidence_of(db, record),
        case=record.case,
        timeline=case_service.timeline(actor(), record.case) if record.case else [],
        kinds=EvidenceKind,
        form=ConfirmForm(),
        reply_form=ReplyForm(),
        can_upload=record.status in UPLOADABLE,
    )


@bp.post("/complaints/<int:complaint_id>/submit")
def submit(complaint_id: int) -> ResponseReturnValue:
    if ConfirmForm().validate_on_submit():
        try:
            service.submit_complaint(get_session(), actor(), complaint_id)
            flash(_("Complaint submitted. Prosecutors will review it."), "success")
        except Invalid as exc:
            flash(exc.translated(_) + " " + " ".join(_(m) for m in exc.fields.values()), "error")
    return redirect(url_for("holder.complaint", complaint_id=complaint_id))


@bp.post("/complaints/<int:complaint_id>/withdraw")
def withdraw(complaint_id: int) -> ResponseReturnValue:
    if ConfirmForm().validate_on_submit():
        service.withdraw_complaint(get_session(), actor(), complaint_id)
        flash(_("Complaint withdrawn."), "info")
    return redirect(url_for("holder.complaint", complaint_id=complaint_id))


@bp.post("/complaints/<int:complaint_id>/reply")
def reply(complaint_id: int) -> ResponseReturnValue:
    get_complaint(get_session(), actor(), complaint_id)
    form = ReplyForm()
    if form.validate_on_submit():
        service.reply_to_request(get_session(), actor(), complaint_id, form.reply.data or "")
        flash(_("Reply sent."), "success")
    else:
        flash(_("Write a reply before sending."), "error")
    return redirect(url_for("holder.complaint", complaint_id=complaint_id))


@bp.post("/complaints/<int:complaint_id>/evidence")
def upload(complaint_id: int) -> ResponseReturnValue:
    """The page's uploader names each finished resumable upload here, in JSON beside its details; a raw body
    is taken too. The CSRF token comes in a header."""
    get_complaint(get_session(), actor(), complaint_id)  # access before reading anything
    store = get_store()
    with receive_upload(store, actor()) as upload:
        meta = evidence_meta(upload)
        item = add_evidence(get_session(), store, get_notary(), actor(), complaint_id, upload.finish, meta)
    return jsonify(evidence_json(item)), 201
