"""Administrator pages: staff users, the match threshold for related evidence."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, IntegerField, SelectField
from wtforms.validators import Email, InputRequired, Length, NumberRange

from evidence.fingerprints import MAX_THRESHOLD, reference_trade_offs
from portal import labels
from portal.db import get_session
from portal.forms import apply_errors
from portal.login import actor
from portal.models import Role
from portal.routing import page_window
from portal.security import client_address
from portal.services import account_log, accounts, clusters, members, related
from portal.services.errors import DomainError

bp = Blueprint("admin", __name__, url_prefix="/admin")


class StaffForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[InputRequired(), Email(), Length(max=254)])
    role = SelectField(_l("Role"), choices=[(r.value, labels.ROLE[r]) for r in Role if r.is_staff])


class ThresholdForm(FlaskForm):
    threshold = IntegerField(
        _l("Match threshold (bits)"),
        validators=[InputRequired(), NumberRange(min=0, max=MAX_THRESHOLD)],
    )


@bp.before_request
def _admins_only() -> None:
    if actor().role is not Role.ADMIN:
        abort(403)


@bp.route("/users", methods=["GET", "POST"])
def users() -> ResponseReturnValue:
    form = StaffForm()
    db = get_session()
    if form.validate_on_submit():
        try:
            invitation = members.invite_staff(
                db, actor(), form.email.data or "", Role(form.role.data), client_address()
            )
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            flash(
                _("An invitation is on its way to %(email)s; its link works for 7 days.", email=invitation.email),
                "success",
            )
            return redirect(url_for("admin.users"))
    users = accounts.staff_users(db).items
    invitations = members.pending(db, actor()).items
    return render_template("admin/users.html", form=form, users=users, invitations=invitations), (
        422 if form.errors else 200
    )


@bp.post("/invitations/<int:staff_invitation_id>/withdraw")
def withdraw_invitation(staff_invitation_id: int) -> ResponseReturnValue:
    invitation = members.withdraw(get_session(), actor(), staff_invitation_id, client_address())
    flash(_("The invitation to %(email)s is withdrawn; its link no longer works.", email=invitation.email), "success")
    return redirect(url_for("admin.users"))


@bp.route("/matching", methods=["GET", "POST"])
def matching() -> ResponseReturnValue:
    db = get_session()
    form = ThresholdForm(threshold=clusters.threshold(db))
    if form.validate_on_submit():
        try:
            related.set_threshold(db, actor(), form.threshold.data or 0)
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            flash(_("Match threshold set to %(bits)s bits.", bits=form.threshold.data), "success")
            return redirect(url_for("admin.matching"))
    live = {t.threshold: t for t in related.trade_offs(db, actor())}
    return render_template(
        "admin/matching.html",
        form=form,
        current=clusters.threshold(db),
        live=live,
        reference=reference_trade_offs(),
        most=MAX_THRESHOLD,
    ), 422 if form.errors else 200


@bp.get("/log")
def log() -> ResponseReturnValue:
    page = account_log.everything(get_session(), actor(), page_window())
    return render_template(
        "auth/log.html", page=page, title=_("Every account's log"), endpoint="admin.log", show_account=True
    )
