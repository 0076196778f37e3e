"""Criminal cases: prosecutors record stages; participants follow them."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from portal import evidence_list, labels
from portal.cases.forms import StageForm
from portal.db import get_session
from portal.downloads import bundle_response
from portal.forms import apply_errors
from portal.login import actor
from portal.models import Stage, utcnow
from portal.participation.forms import DecisionForm, HearingForm, RequestForm
from portal.review import assign_form
from portal.review.forms import AssignForm
from portal.routing import page_window
from portal.services import assignment, bundles, case_requests, complaints, integrity, proceedings, related
from portal.services import cases as service
from portal.services.access import REVIEWERS, SUPERVISORS, require_role
from portal.services.documents import SHAREABLE
from portal.services.errors import Conflict, DomainError, Invalid
from portal.services.paging import Window
from portal.services.shanghai import today_in_china
from portal.signing import get_notary
from portal.storage import get_store

bp = Blueprint("cases", __name__, url_prefix="/cases")


@bp.get("/")
def index() -> str:
    return render_template("cases/index.html", page=service.list_cases(get_session(), actor(), page_window()))


@bp.get("/suggest")
def suggest() -> ResponseReturnValue:
    """The case picker's suggestions as a prosecutor types part of a case number."""
    require_role(actor(), REVIEWERS)
    typed = request.args.get("q", "")
    if not typed.strip():
        return jsonify([])
    found = service.list_cases(get_session(), actor(), Window(None, service.SUGGESTED), typed)
    return jsonify(
        [
            {"id": c.id, "case_number": c.case_number, "procuratorate": c.procuratorate, "stage": labels.STAGE[c.stage]}
            for c in found.items
        ]
    )


def _render(case_id: int, form: StageForm) -> ResponseReturnValue:
    db = get_session()
    case = service.get_case(db, actor(), case_id)
    visible = service.visible_complaints(db, actor(), case)
    overview = proceedings.overview(db, actor(), case)
    staff = actor().role in REVIEWERS
    request_form = RequestForm(formdata=None, due_on=date.today() + timedelta(days=14))
    request_form.org_id.choices = [(o.id, o.legal_name) for o in overview.participants]
    evidence = complaints.evidence_of_each(db, visible)
    return render_template(
        "cases/case.html",
        case=case,
        timeline=service.timeline(actor(), case),
        complaints=visible,
        evidence=evidence,
        damage=integrity.damage_of(db, {i.sha256 for items in evidence.values() for i in items}) if staff else {},
        form=form,
        staff=staff,
        overview=overview,
        today=today_in_china(),
        now=utcnow(),
        overdue=case_requests.is_overdue,
        decision_form=DecisionForm(formdata=None, decided_on=today_in_china(), served_on=today_in_china()),
        request_form=request_form,
        hearing_form=HearingForm(formdata=None),
        document_kinds=[(k.value, labels.DOCUMENT_KIND[k]) for k in SHAREABLE],
        assign=assign_form(case.prosecutor_id) if actor().role in SUPERVISORS else None,
        related=related.related_to_case(db, actor(), case_id) if staff else [],
    ), 422 if form.errors else 200


@bp.get("/<int:case_id>")
def case(case_id: int) -> ResponseReturnValue:
    case = service.get_case(get_session(), actor(), case_id)
    return _render(case_id, StageForm(stage=case.stage.value, occurred_on=date.today()))


@bp.post("/<int:case_id>/bundle")
def export_bundle(case_id: int) -> ResponseReturnValue:
    chosen = [int(v) for v in request.form.getlist("evidence") if v.isdigit()]
    try:
        export = bundles.export(
            get_session(), get_store(), get_notary(), actor(), case_id, chosen, evidence_list.render
        )
    except (Conflict, Invalid) as exc:
        flash(exc.translated(_), "error")
        return redirect(url_for("cases.case", case_id=case_id))
    return bundle_response(export)


@bp.post("/<int:case_id>/stages")
def add_stage(case_id: int) -> ResponseReturnValue:
    require_role(actor(), REVIEWERS)
    form = StageForm()
    if form.validate_on_submit():
        try:
            service.add_stage(
                get_session(),
                actor(),
                case_id,
                service.StageInput(
                    stage=Stage(form.stage.data),
                    occurred_on=form.occurred_on.data,  # type: ignore[arg-type]
                    note=form.note.data or "",
                    note_shared=bool(form.note_shared.data),
                ),
            )
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            flash(_("Stage recorded."), "success")
            return redirect(url_for("cases.case", case_id=case_id))
    return _render(case_id, form)


@bp.post("/<int:case_id>/assign")
def assign(case_id: int) -> ResponseReturnValue:
    require_role(actor(), SUPERVISORS, "Only a supervisor assigns complaints and cases.")
    form = AssignForm()
    form.prosecutor_id.choices = [(u.id, u.email) for u in assignment.prosecutors(get_session())]
    if not form.validate_on_submit():
        flash(_("Choose an active prosecutor."), "error")
    else:
        case = assignment.assign_case(get_session(), actor(), case_id, form.prosecutor_id.data or 0)
        flash(_("Assigned to %(who)s.", who=case.prosecutor.email), "success")
    return redirect(url_for("cases.case", case_id=case_id))
