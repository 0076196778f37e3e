"""Administrator pages: staff users."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField
from wtforms.validators import Email, InputRequired, Length

from portal import labels
from portal.db import get_session
from portal.forms import apply_errors
from portal.login import actor
from portal.models import Role
from portal.services import accounts
from portal.services.errors import DomainError
from portal.services.passwords import MIN_PASSWORD_LENGTH

bp = Blueprint("admin", __name__, url_prefix="/admin")


class StaffForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[InputRequired(), Email()])
    password = PasswordField(_l("Initial password"), validators=[InputRequired(), Length(min=MIN_PASSWORD_LENGTH)])
    role = SelectField(_l("Role"), choices=[(r.value, labels.ROLE[r]) for r in Role if r.is_staff])


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
    return render_template("admin/users.html", form=form, users=accounts.staff_users(db)), 422 if form.errors else 200
