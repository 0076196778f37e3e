"""Bulk filing pages: the template, a sheet (and its ZIP of evidence) checked, the report, the filing."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from portal.batches.forms import BatchForm
from portal.db import get_session
from portal.downloads import file_response
from portal.forms import apply_errors
from portal.holder.forms import ConfirmForm
from portal.login import actor
from portal.models import EvidenceKind, Role, RowState
from portal.services import batch_sheets, batches
from portal.services.errors import DomainError
from portal.signing import get_notary
from portal.storage import get_store

bp = Blueprint("batches", __name__, url_prefix="/batches")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.before_request
def _holders_only() -> None:
    if actor().role is not Role.HOLDER:
        abort(403)


@bp.route("/", methods=["GET", "POST"])
def index() -> ResponseReturnValue:
    form = BatchForm()
    if form.validate_on_submit():
        sheet, archive = form.sheet.data, form.archive.data
        try:
            batch = batches.check(
                get_session(),
                get_store(),
                actor(),
                sheet.filename or "batch",
                sheet.stream.read(batch_sheets.MAX_SHEET_BYTES + 1),
                form.intent.data == "submit",
                current_app.config["SETTINGS"].max_upload_bytes,
                archive.stream if archive and archive.filename else None,
                archive.filename or "" if archive else "",
            )
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            return redirect(url_for("batches.show", batch_id=batch.id))
    return render_template(
        "batches/index.html",
        form=form,
        recent=batches.recent(get_session(), actor()),
        columns=batch_sheets.COLUMNS,
        kinds=list(EvidenceKind),
        max_rows=batch_sheets.MAX_ROWS,
        row_states=RowState,
    ), 422 if form.errors or form.form_errors else 200


@bp.get("/template.xlsx")
def template_xlsx() -> ResponseReturnValue:
    return file_response(_("complaints-template") + ".xlsx", batch_sheets.template_xlsx(_), XLSX)


@bp.get("/template.csv")
def template_csv() -> ResponseReturnValue:
    return file_response(_("complaints-template") + ".csv", batch_sheets.template_csv(), "text/csv")


@bp.get("/<token:batch_id>")
def show(batch_id: str) -> ResponseReturnValue:
    batch = batches.get(get_session(), actor(), batch_id)
    return render_template("batches/show.html", batch=batch, counts=batches.counts(batch), row_states=RowState)


@bp.post("/<token:batch_id>/file")
def file(batch_id: str) -> ResponseReturnValue:
    if ConfirmForm().validate_on_submit():
        batch = batches.file(
            get_session(), get_store(), get_notary(), actor(), batch_id, current_app.config["SETTINGS"].max_upload_bytes
        )
        flash(_("%(count)d complaints filed.", count=batches.counts(batch)[RowState.FILED]), "success")
    return redirect(url_for("batches.show", batch_id=batch_id))


@bp.get("/<token:batch_id>/receipts.csv")
def receipts(batch_id: str) -> ResponseReturnValue:
    data = batches.receipt_list(get_session(), actor(), batch_id)
    return file_response(f"batch-{batch_id}-receipts.csv", data, "text/csv")
