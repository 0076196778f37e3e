"""The organisation administrator's pages: webhooks for the organisation's own systems."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import URLField
from wtforms.validators import InputRequired, Length

from portal.db import get_session
from portal.forms import apply_errors
from portal.login import actor
from portal.services import webhooks as service
from portal.services.errors import DomainError

bp = Blueprint("org", __name__, url_prefix="/org")


class WebhookForm(FlaskForm):
    url = URLField(_l("Receiver URL"), validators=[InputRequired(), Length(max=500)])


def _list(form: WebhookForm, secret: service.Registered | None = None) -> ResponseReturnValue:
    hooks = service.list_webhooks(get_session(), actor())
    status = 422 if form.errors or form.form_errors else 200
    return render_template("org/webhooks.html", hooks=hooks, form=form, registered=secret), status


@bp.get("/webhooks")
def webhooks() -> ResponseReturnValue:
    return _list(WebhookForm())


@bp.post("/webhooks")
def register() -> ResponseReturnValue:
    service.require_org_admin(actor())
    form = WebhookForm()
    if form.validate_on_submit():
        try:
            registered = service.register(
                get_session(), actor(), form.url.data or "", current_app.config["SETTINGS"].webhook_allow_private
            )
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            # Shown on this page only, never again: it is not put in the session or a redirect.
            return _list(WebhookForm(formdata=None), registered)
    return _list(form)


@bp.get("/webhooks/<int:webhook_id>")
def webhook(webhook_id: int) -> ResponseReturnValue:
    db = get_session()
    hook = service.get_webhook(db, actor(), webhook_id)
    return render_template("org/webhook.html", hook=hook, log=service.delivery_log(db, actor(), webhook_id))


@bp.post("/webhooks/<int:webhook_id>/test")
def send_test(webhook_id: int) -> ResponseReturnValue:
    service.send_test(get_session(), actor(), webhook_id)
    flash(_("A test event is on its way; its delivery appears below within seconds."), "success")
    return redirect(url_for("org.webhook", webhook_id=webhook_id))


@bp.post("/webhooks/<int:webhook_id>/rotate")
def rotate(webhook_id: int) -> ResponseReturnValue:
    registered = service.rotate_secret(get_session(), actor(), webhook_id)
    return _list(WebhookForm(formdata=None), registered)


@bp.post("/webhooks/<int:webhook_id>/remove")
def remove(webhook_id: int) -> ResponseReturnValue:
    service.remove(get_session(), actor(), webhook_id)
    flash(_("Webhook removed; nothing more is sent to it."), "success")
    return redirect(url_for("org.webhooks"))
