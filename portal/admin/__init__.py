"""Administrator pages: staff users, the match threshold for related evidence."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, IntegerField, SelectField
from wtforms.validators import Email, InputRequired, NumberRange

from evidence.fingerprints import MAX_THRESHOLD, reference_trade_offs
from portal import labels
from portal.auth.forms import new_password_field
from portal.db import get_session
from portal.forms import apply_errors
from portal.login import actor
from portal.models import Role
from portal.services import accounts, related
from portal.services.errors import DomainError

bp = Blueprint("admin", __name__, url_prefix="/admin")


class StaffForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[InputRequired(), Email()])
    password = new_password_field(_l("Initial password"))
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
            accounts.create_user(db, form.email.data or "", form.password.data or "", Role(form.role.data), None)
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            flash(_("User created."), "success")
            return redirect(url_for("admin.users"))
    users = accounts.staff_users(db).items
    return render_template("admin/users.html", form=form, users=users), 422 if form.errors else 200


@bp.route("/matching", methods=["GET", "POST"])
def matching() -> ResponseReturnValue:
    db = get_session()
    form = ThresholdForm(threshold=related.threshold(db))
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
        current=related.threshold(db),
        live=live,
        reference=reference_trade_offs(),
        most=MAX_THRESHOLD,
    ), 422 if form.errors else 200
