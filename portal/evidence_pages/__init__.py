"""One evidence item: details and custody, download, preview, verification."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from portal.db import get_session
from portal.downloads import attachment, receipt_archive, thumbnail_response
from portal.holder.forms import ConfirmForm
from portal.login import actor
from portal.services import evidence as service
from portal.services import integrity, receipts
from portal.signing import get_notary
from portal.storage import get_store

bp = Blueprint("evidence", __name__, url_prefix="/evidence")


@bp.get("/<int:evidence_id>")
def item(evidence_id: int) -> str:
    db = get_session()
    record = service.view_item(db, actor(), evidence_id)
    events, report = service.custody(db, actor(), evidence_id)
    damage = integrity.damage_of(db, [record.sha256]).get(record.sha256)
    return render_template(
        "evidence/item.html", item=record, events=events, report=report, damage=damage, form=ConfirmForm()
    )


@bp.get("/<int:evidence_id>/download")
def download(evidence_id: int) -> ResponseReturnValue:
    return attachment(service.download(get_session(), get_store(), actor(), evidence_id))


@bp.get("/<int:evidence_id>/thumbnail")
def thumbnail(evidence_id: int) -> ResponseReturnValue:
    return thumbnail_response(service.thumbnail(get_session(), get_store(), actor(), evidence_id))


@bp.get("/<int:evidence_id>/previews/<int:number>")
def preview(evidence_id: int, number: int) -> ResponseReturnValue:
    return thumbnail_response(service.preview(get_session(), get_store(), actor(), evidence_id, number))


@bp.get("/<int:evidence_id>/receipt")
def receipt(evidence_id: int) -> str:
    notary = get_notary()
    view = receipts.view(get_session(), notary, actor(), evidence_id)
    return render_template(
        "evidence/receipt.html", view=view, r=view.record, commands=receipts.verify_commands(view), notary=notary
    )


@bp.get("/<int:evidence_id>/receipt.zip")
def receipt_zip(evidence_id: int) -> ResponseReturnValue:
    notary = get_notary()
    view = receipts.view(get_session(), notary, actor(), evidence_id)
    return receipt_archive(view, receipts.receipt_files(notary, view))


@bp.post("/<int:evidence_id>/verify")
def verify(evidence_id: int) -> ResponseReturnValue:
    if ConfirmForm().validate_on_submit():
        result = service.verify(get_session(), get_store(), actor(), evidence_id)
        if result.outcome == "ok":
            flash(_("Verified: the stored file still has the SHA-256 recorded at receipt."), "success")
        else:
            flash(_("Verification FAILED: the stored file is %(outcome)s.", outcome=result.outcome), "error")
    return redirect(url_for("evidence.item", evidence_id=evidence_id))
