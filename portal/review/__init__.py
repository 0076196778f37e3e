"""Prosecutors' pages: registrations to approve, the review queue, decisions, related evidence."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from portal import labels
from portal.db import get_session
from portal.forms import apply_errors
from portal.holder.forms import ConfirmForm
from portal.login import actor
from portal.models import ComplaintStatus, RightType, Stage
from portal.review.forms import AssignForm, DecisionForm, OrgDecisionForm, QueueForm
from portal.services import accounts, assignment, complaints, infringers, integrity, related, review, search
from portal.services import cases as case_service
from portal.services import clusters as cluster_service
from portal.services.access import ORG_DECIDERS, REVIEWERS, SUPERVISORS
from portal.services.errors import DomainError, Invalid
from portal.services.evidence import view_item
from portal.services.paging import Position

bp = Blueprint("review", __name__, url_prefix="/review")


@bp.before_request
def _staff_only() -> None:
    allowed = ORG_DECIDERS if request.endpoint in {"review.organisations", "review.decide_organisation"} else REVIEWERS
    if actor().role not in allowed:
        abort(403)


@bp.get("/organisations")
def organisations() -> str:
    pending = accounts.pending_organisations(get_session(), actor())
    return render_template("review/organisations.html", pending=pending, form=OrgDecisionForm())


@bp.post("/organisations/<int:org_id>")
def decide_organisation(org_id: int) -> ResponseReturnValue:
    form = OrgDecisionForm()
    if form.validate_on_submit():
        try:
            org = accounts.decide_organisation(
                get_session(), actor(), org_id, form.decision.data == "approve", form.reason.data or ""
            )
            flash(_("%(name)s: %(status)s", name=org.legal_name_latin, status=labels.ORG_STATUS[org.status]), "success")
        except DomainError as exc:
            flash(exc.translated(_), "error")
    return redirect(url_for("review.organisations"))


@bp.get("/")
def queue() -> str:
    form = QueueForm(request.args)
    form.status.choices = [("", _l("All"))] + [(s.value, labels.COMPLAINT_STATUS[s]) for s in review.QUEUE_STATUSES]
    form.right_type.choices = [("", _l("All"))] + labels.choices(labels.RIGHT_TYPE)
    if not form.validate():
        abort(400)
    found = review.queue(
        get_session(),
        actor(),
        review.QueueFilter(
            status=ComplaintStatus(form.status.data) if form.status.data else None,
            foreign={"foreign": True, "domestic": False}.get(form.origin.data or ""),
            right_type=RightType(form.right_type.data) if form.right_type.data else None,
            newest_first=form.order.data != "oldest",
            position=Position.of(form.cursor.data),
            assigned_to=actor().id if form.assigned.data == "me" else None,
            unassigned=form.assigned.data == "none",
        ),
    )
    args = {k: v for k, v in request.args.items() if k != "cursor"}
    return render_template("review/queue.html", form=form, queue=found, args=args)


def _decision_form() -> DecisionForm:
    db = get_session()
    form = DecisionForm()
    form.prosecutor_id.choices = [(u.id, u.email) for u in accounts.staff_users(db).items if u.role in REVIEWERS]
    if request.method == "GET":
        form.prosecutor_id.data = actor().id
    return form


def assign_form(current: int | None) -> AssignForm:
    form = AssignForm(formdata=None, prosecutor_id=current)
    form.prosecutor_id.choices = [(u.id, u.email) for u in assignment.prosecutors(get_session())]
    return form


def _render_complaint(complaint_id: int, form: DecisionForm) -> ResponseReturnValue:
    db = get_session()
    record = review.open_for_review(db, actor(), complaint_id)
    evidence = complaints.evidence_page(db, record, Position.of(request.args.get("evidence"), "evidence"))
    return render_template(
        "review/complaint.html",
        complaint=record,
        evidence=evidence,
        damage=integrity.damage_of(db, {item.sha256 for item in evidence.items}),
        form=form,
        confirm=ConfirmForm(),
        open=record.status in review.OPEN,
        assign=assign_form(record.assigned_to_id) if actor().role in SUPERVISORS else None,
        shared=infringers.shared_with(db, actor(), record.id),
        related=related.related_to(db, actor(), record.id),
    ), 422 if form.errors else 200


@bp.get("/search")
def search_complaints() -> ResponseReturnValue:
    query = request.args.get("q", "").strip()
    found, error = None, None
    if query:
        try:
            found = search.search(get_session(), actor(), query, Position.of(request.args.get("cursor")))
        except Invalid as exc:
            error = exc.translated(_)
    status = 422 if error else 200
    return render_template("review/search.html", query=query, found=found, error=error), status


@bp.get("/infringers")
def shared_infringers() -> str:
    found = infringers.groups(get_session(), actor(), Position.of(request.args.get("cursor")))
    return render_template("review/infringers.html", found=found)


@bp.post("/complaints/<int:complaint_id>/assign")
def assign(complaint_id: int) -> ResponseReturnValue:
    form = AssignForm()
    form.prosecutor_id.choices = [(u.id, u.email) for u in assignment.prosecutors(get_session())]
    if not form.validate_on_submit():
        flash(_("Choose an active prosecutor."), "error")
    else:
        record = assignment.assign_complaint(get_session(), actor(), complaint_id, form.prosecutor_id.data or 0)
        assert record.assigned_to is not None
        flash(_("Assigned to %(who)s.", who=record.assigned_to.email), "success")
    return redirect(url_for("review.complaint", complaint_id=complaint_id))


@bp.get("/complaints/<int:complaint_id>")
def complaint(complaint_id: int) -> ResponseReturnValue:
    return _render_complaint(complaint_id, _decision_form())


@bp.post("/complaints/<int:complaint_id>/decision")
def decide(complaint_id: int) -> ResponseReturnValue:
    form = _decision_form()
    if form.validate_on_submit():
        new_case = None
        existing = (form.case.data or "").strip() if form.action.data == "accept" else ""
        if form.action.data == "accept" and not existing:
            new_case = case_service.CaseInput(
                case_number=form.case_number.data or "",
                procuratorate=form.procuratorate.data or "",
                charges=form.charges.data or "",
                prosecutor_id=form.prosecutor_id.data or 0,
                stage=Stage(form.stage.data),
            )
        try:
            review.decide(
                get_session(),
                actor(),
                complaint_id,
                review.Decision(
                    action=form.action.data,  # type: ignore[arg-type]
                    message=form.message.data or "",
                    due=form.due.data,
                    reason=form.reason.data or "",
                    case_id=case_service.by_number(get_session(), actor(), existing).id if existing else None,
                    new_case=new_case,
                ),
            )
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            flash(_("Decision recorded."), "success")
            return redirect(url_for("review.complaint", complaint_id=complaint_id))
    return _render_complaint(complaint_id, form)


@bp.get("/clusters")
def clusters() -> str:
    db = get_session()
    return render_template(
        "review/clusters.html",
        found=related.clusters(db, actor(), Position.of(request.args.get("cursor"))),
        threshold=cluster_service.threshold(db),
    )


@bp.post("/clusters/link")
def link_cluster() -> ResponseReturnValue:
    ids = [int(v) for v in request.form.getlist("complaint_ids") if v.isdigit()]
    try:
        case_id = case_service.by_number(get_session(), actor(), request.form.get("case", "")).id
        case = related.link_into_case(get_session(), actor(), ids, case_id)
    except DomainError as exc:
        flash(exc.translated(_), "error")
    else:
        flash(
            ngettext(
                "%(num)d complaint linked to case %(case)s.",
                "%(num)d complaints linked to case %(case)s.",
                len(set(ids)),
                case=case.case_number,
            ),
            "success",
        )
    return redirect(url_for("review.clusters"))


@bp.get("/evidence/<int:evidence_id>")
def workspace(evidence_id: int) -> str:
    """One item of a complaint with its pictures, what its file says, and what else shows the same."""
    db = get_session()
    item = view_item(db, actor(), evidence_id)
    siblings = complaints.evidence_of(db, item.complaint) if item.complaint is not None else [item]
    at = next((i for i, s in enumerate(siblings) if s.id == item.id), 0)
    return render_template(
        "review/workspace.html",
        item=item,
        position=at + 1,
        count=len(siblings),
        previous=siblings[at - 1] if at > 0 else None,
        next=siblings[at + 1] if at + 1 < len(siblings) else None,
        related=related.related_to(db, actor(), item.complaint_id, item.id) if item.complaint_id is not None else [],
        picture=request.args.get("picture", 1, type=int),
    )
