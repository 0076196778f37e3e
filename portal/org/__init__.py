"""The organisation's own pages: members and invitations, tokens and webhooks (administrators), powers of attorney."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, RadioField, SelectField, StringField, URLField
from wtforms.validators import Email, InputRequired, Length, Optional

from portal import labels
from portal.db import get_session
from portal.forms import MultiCheckboxField, apply_errors, limits
from portal.login import actor
from portal.models import OrgRole, Role, utcnow
from portal.routing import page_window
from portal.schemas.notifications import WebhookInput
from portal.schemas.powers import PowerFields
from portal.security import client_address
from portal.serialise import power_json
from portal.services import account_log, two_factor
from portal.services import members as member_service
from portal.services import powers as power_service
from portal.services import tokens as token_service
from portal.services import webhooks as service
from portal.services.access import require_org_admin
from portal.services.errors import DomainError, Forbidden, Invalid
from portal.services.shanghai import today_in_china
from portal.signing import get_notary
from portal.storage import get_store
from portal.uploads import power_grant, receive_upload

bp = Blueprint("org", __name__, url_prefix="/org")


class WebhookForm(FlaskForm):
    url = URLField(_l("Receiver URL"), validators=limits(WebhookInput, "url"))


def _list(form: WebhookForm, secret: service.Registered | None = None) -> ResponseReturnValue:
    hooks = service.list_webhooks(get_session(), actor()).items
    status = 422 if form.errors or form.form_errors else 200
    return render_template("org/webhooks.html", hooks=hooks, form=form, registered=secret), status


@bp.get("/webhooks")
def webhooks() -> ResponseReturnValue:
    return _list(WebhookForm())


@bp.post("/webhooks")
def register() -> ResponseReturnValue:
    require_org_admin(actor())
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
    return render_template("org/webhook.html", hook=hook, log=service.delivery_log(db, actor(), webhook_id).items)


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


class PowerForm(FlaskForm):
    agent_org_id = SelectField(_l("Agent"), coerce=int, choices=[])
    scopes = MultiCheckboxField(
        _l("The agent may"), choices=[(k.value, label) for k, label in labels.AGENCY_SCOPE.items()]
    )
    valid_from = DateField(_l("Valid from"), validators=[InputRequired()])
    valid_until = DateField(_l("Valid until"), validators=[InputRequired()])
    notarised_by = StringField(_l("Notarised by"), validators=limits(PowerFields, "notarised_by"))
    notarised_on = DateField(_l("Notarised on"), validators=[Optional()])
    legalisation = StringField(
        _l("Apostille or legalisation (number, authority, date)"), validators=limits(PowerFields, "legalisation")
    )


@bp.get("/powers")
def powers() -> ResponseReturnValue:
    db = get_session()
    me = actor()
    if me.role is not Role.HOLDER:
        raise Forbidden("Powers of attorney are managed by rights holders and their agents.")
    form = PowerForm(formdata=None, valid_from=today_in_china())
    form.agent_org_id.choices = [(o.id, o.legal_name) for o in power_service.agent_organisations(db).items]
    granting = power_service.may_grant(me)
    return render_template(
        "org/powers.html",
        powers=power_service.powers(db, me).items,
        form=form,
        granting=granting,
        today=today_in_china(),
    )


@bp.post("/powers")
def grant_power() -> ResponseReturnValue:
    """The signed document: a finished resumable upload named in JSON beside the details (the page's
    uploader), or the raw body with the details in the query."""
    power_service.principal_admin(actor())
    store = get_store()
    with receive_upload(store, actor()) as upload:
        power = power_service.grant(
            get_session(), store, get_notary(), actor(), power_grant(upload), upload.filename, upload.finish
        )
    return jsonify(power_json(power)), 201


@bp.post("/powers/<int:power_id>/revoke")
def revoke_power(power_id: int) -> ResponseReturnValue:
    power = power_service.revoke(get_session(), actor(), power_id)
    flash(_("Power of attorney for %(agent)s revoked.", agent=power.agent.legal_name), "success")
    return redirect(url_for("org.powers"))


@bp.get("/tokens")
def tokens() -> ResponseReturnValue:
    listed = token_service.of_organisation(get_session(), actor()).items
    return render_template("org/tokens.html", tokens=listed, now=utcnow())


@bp.post("/tokens/<int:token_id>/revoke")
def revoke_token(token_id: int) -> ResponseReturnValue:
    token = token_service.revoke(get_session(), actor(), token_id, client_address())
    flash(_("The token “%(name)s” is revoked; it no longer works.", name=token.name), "success")
    return redirect(url_for("org.tokens"))


class InviteForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[InputRequired(), Email(), Length(max=254)])
    role = SelectField(
        _l("Role"), choices=[(r.value, labels.ORG_ROLE[r]) for r in OrgRole], default=OrgRole.MEMBER.value
    )


class MemberRoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=[(r.value, labels.ORG_ROLE[r]) for r in OrgRole])


def _members_page(form: InviteForm) -> ResponseReturnValue:
    db, me = get_session(), actor()
    listed = member_service.members(db, me).items
    invitations = member_service.pending(db, me).items if me.is_org_admin else []
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "org/members.html", members=listed, invitations=invitations, form=form, role_form=MemberRoleForm()
    ), status


@bp.get("/members")
def members() -> ResponseReturnValue:
    return _members_page(InviteForm(formdata=None))


@bp.post("/members")
def invite() -> ResponseReturnValue:
    require_org_admin(actor())
    form = InviteForm()
    if form.validate_on_submit():
        try:
            invitation = member_service.invite(
                get_session(), actor(), form.email.data or "", OrgRole(form.role.data), client_address()
            )
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            flash(
                _("An invitation is on its way to %(email)s; its link works for 7 days.", email=invitation.email),
                "success",
            )
            return redirect(url_for("org.members"))
    return _members_page(form)


@bp.post("/members/<int:user_id>/role")
def change_role(user_id: int) -> ResponseReturnValue:
    member_service.get_member(get_session(), actor(), user_id)
    form = MemberRoleForm()
    if form.validate_on_submit():
        member = member_service.change_role(get_session(), actor(), user_id, OrgRole(form.role.data), client_address())
        flash(
            _("%(email)s is now %(role)s.", email=member.email, role=labels.ORG_ROLE[OrgRole(form.role.data)]),
            "success",
        )
    return redirect(url_for("org.members"))


@bp.post("/members/<int:user_id>/remove")
def remove_member(user_id: int) -> ResponseReturnValue:
    member = member_service.remove(get_session(), actor(), user_id, client_address())
    flash(
        _("%(email)s is removed: their sessions have ended and their tokens are revoked.", email=member.email),
        "success",
    )
    return redirect(url_for("org.members"))


@bp.post("/invitations/<int:invitation_id>/withdraw")
def withdraw_invitation(invitation_id: int) -> ResponseReturnValue:
    invitation = member_service.withdraw(get_session(), actor(), invitation_id, client_address())
    flash(_("The invitation to %(email)s is withdrawn; its link no longer works.", email=invitation.email), "success")
    return redirect(url_for("org.members"))


class TwoFactorPolicyForm(FlaskForm):
    required = RadioField(choices=[("yes", "yes"), ("no", "no")], validate_choice=False)


@bp.post("/two-factor")
def require_two_factor() -> ResponseReturnValue:
    form = TwoFactorPolicyForm()
    if form.validate_on_submit():
        wanted = {"yes": True, "no": False}.get(form.required.data or "")
        try:
            two_factor.set_organisation_requirement(get_session(), actor(), wanted, client_address())
        except Invalid as exc:
            flash(exc.translated(_), "error")
        else:
            if wanted:
                flash(
                    _("Every member now signs in with a second factor; those without one set it up first."), "success"
                )
            else:
                flash(_("Members choose for themselves whether to use a second factor."), "success")
    return redirect(url_for("org.members"))


@bp.get("/log")
def log() -> ResponseReturnValue:
    page = account_log.of_organisation(get_session(), actor(), page_window())
    org = actor().organisation
    assert org is not None  # the log is refused to anyone who administers no organisation
    title = _("Log of %(org)s", org=org.legal_name)
    return render_template("auth/log.html", page=page, title=title, endpoint="org.log", show_account=True)
