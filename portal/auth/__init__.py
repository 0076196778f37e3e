"""Sign-in, sign-out, registration of an organisation, own account."""

from __future__ import annotations

import base64
import json
import time
from urllib.parse import urlsplit

import segno
from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from markupsafe import Markup

from portal import labels
from portal.auth.forms import (
    AcceptInvitationForm,
    EmailChangeForm,
    EmailChoicesForm,
    ForgotPasswordForm,
    LanguageForm,
    LoginForm,
    PasswordForm,
    PasswordOnlyForm,
    PreferencesForm,
    RegisterForm,
    ResetPasswordForm,
    SecondFactorForm,
    TokenForm,
    TotpForm,
)
from portal.db import get_session
from portal.forms import apply_errors
from portal.login import SignedIn, actor
from portal.models import LinkPurpose, OrgKind, TokenScope, User, utcnow
from portal.routing import page_window
from portal.security import client_address, limiter, login_account_key
from portal.services import account_log, accounts, email_links, members, notifications, passkeys, tokens, two_factor
from portal.services.credentials import digest
from portal.services.errors import Conflict, DomainError, Invalid
from portal.user_agents import describe_browser

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    # Only same-site paths: no scheme, no host, no protocol-relative "//".
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("main.index")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("30/hour;10/minute", methods=["POST"])
@limiter.limit("10/hour;5/minute", methods=["POST"], key_func=login_account_key)
def login() -> ResponseReturnValue:
    form = LoginForm()
    if form.validate_on_submit():
        db = get_session()
        user = accounts.authenticate(db, form.email.data or "", form.password.data or "", client_address())
        if user is None:
            form.password.errors = [_("Wrong e-mail or password.")]
        elif two_factor.enrolled(user):
            # Half signed in: this browser reaches nothing but the second-factor step, and holds no session.
            session.clear()
            session[PENDING] = {"user": user.id, "at": int(time.time())}
            return redirect(url_for("auth.second_factor", next=request.args.get("next")))
        else:
            _complete_sign_in(user)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form), 422 if form.errors else 200


PENDING = "pending_sign_in"
PENDING_FOR = 300  # seconds between the password and the second factor


def _complete_sign_in(user: User) -> None:
    """A new session, under a new id: nothing from before sign-in carries over."""
    session.clear()
    token = accounts.start_login_session(get_session(), user, client_address(), request.user_agent.string)
    login_user(SignedIn(user, token))


def _pending_user() -> User | None:
    """The user who gave their password in this browser a moment ago; never an id the request names."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_FOR:
        return None
    user = get_session().get(User, pending.get("user"))
    return user if user is not None and user.active and two_factor.enrolled(user) else None


def pending_key() -> str:
    """Throttle key for second-factor attempts: the account being signed in to."""
    pending = session.get(PENDING)
    return f"second-factor:{pending.get('user') if isinstance(pending, dict) else request.remote_addr}"


@bp.route("/login/second-factor", methods=["GET", "POST"])
@limiter.limit("10/minute;30/hour", methods=["POST"], key_func=pending_key)
def second_factor() -> ResponseReturnValue:
    user = _pending_user()
    if user is None:
        session.pop(PENDING, None)
        flash(_("Sign in again: give your password, then your second factor within five minutes."), "info")
        return redirect(url_for("auth.login"))
    form = SecondFactorForm()
    if form.validate_on_submit():
        if two_factor.verify(get_session(), user, _sealing_key(), form.code.data or "", client_address()):
            _complete_sign_in(user)
            return redirect(_safe_next(request.args.get("next")))
        form.code.errors = [_(two_factor.WRONG_CODE)]
    return render_template("auth/second_factor.html", form=form), 422 if form.errors else 200


def _sealing_key() -> bytes:
    return two_factor.sealing_key(current_app.config["SECRET_KEY"])


@bp.get("/account/two-factor")
def two_factor_page() -> ResponseReturnValue:
    return _two_factor_page(TotpForm())


def _two_factor_page(form: TotpForm, codes: list[str] | None = None) -> ResponseReturnValue:
    me = actor()
    setup = None
    if me.totp_secret is None:
        secret = session.get(TOTP_SETUP) or two_factor.new_totp_secret()
        session[TOTP_SETUP] = secret
        uri = two_factor.provisioning_uri(secret, me.email)
        # segno draws the code as path data: nothing of ours is written into the markup as text.
        qr = Markup(segno.make(uri, error="m").svg_inline(scale=4))  # noqa: S704
        setup = {"secret": secret, "qr": qr}
    remaining = two_factor.remaining_recovery_codes(get_session(), me)
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "auth/two_factor.html",
        form=form,
        setup=setup,
        codes=codes,
        remaining=remaining,
        remove_form=PasswordOnlyForm(formdata=None),
        required=two_factor.required(me),
        keys=passkeys.of_user(get_session(), me),
        enrolled=two_factor.enrolled(me),
    ), status


TOTP_SETUP = "totp_setup"


@bp.post("/account/two-factor/totp")
@limiter.limit("10/minute")
def enable_totp() -> ResponseReturnValue:
    form = TotpForm()
    secret = session.get(TOTP_SETUP)
    if form.validate_on_submit() and secret:
        try:
            added = two_factor.enable_totp(
                get_session(), actor(), _sealing_key(), secret, form.code.data or "", client_address()
            )
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            _after_adding(added)
            flash(_("Two-factor sign-in is on."), "success")
            return _two_factor_page(TotpForm(formdata=None), added.codes)
    return _two_factor_page(form)


def _after_adding(added: two_factor.Added) -> None:
    if added.first:
        accounts.end_login_session(get_session(), current_user.token)
        _complete_sign_in(actor())


@bp.post("/account/two-factor/totp/remove")
def disable_totp() -> ResponseReturnValue:
    form = PasswordOnlyForm()
    if form.validate_on_submit():
        try:
            two_factor.disable_totp(get_session(), actor(), form.password.data or "", client_address())
        except DomainError as exc:
            flash(exc.translated(_), "error")
        else:
            flash(_("The authenticator app is removed; you sign in with your password alone."), "success")
    return redirect(url_for("auth.two_factor_page"))


@bp.post("/account/two-factor/recovery-codes")
def new_recovery_codes() -> ResponseReturnValue:
    codes = two_factor.new_recovery_codes(get_session(), actor(), client_address())
    return _two_factor_page(TotpForm(formdata=None), codes)


PASSKEY_CHALLENGE = "passkey_challenge"


def _relying_party() -> passkeys.RelyingParty:
    public = urlsplit(current_app.config["SETTINGS"].portal_url)
    return passkeys.RelyingParty(id=public.hostname or "", origin=f"{public.scheme}://{public.netloc}")


def _issue(challenge: passkeys.Challenge) -> ResponseReturnValue:
    """The options for the browser; the challenge stays in the signed session until the answer comes back."""
    session[PASSKEY_CHALLENGE] = base64.b64encode(challenge.challenge).decode()
    return current_app.response_class(challenge.options_json, mimetype="application/json")


def _take_challenge() -> bytes:
    issued = session.pop(PASSKEY_CHALLENGE, None)
    if not issued:
        raise Invalid("Start again: the passkey was asked for no challenge, or for one already answered.")
    return base64.b64decode(issued)


def _answer() -> str:
    credential = (request.get_json(silent=True) or {}).get("credential")
    if not isinstance(credential, dict):
        raise Invalid('Send the passkey\'s answer as JSON: {"credential": {...}}.')
    return json.dumps(credential)


@bp.post("/account/passkeys/options")
def passkey_registration_options() -> ResponseReturnValue:
    return _issue(passkeys.registration(get_session(), actor(), _relying_party()))


@bp.post("/account/passkeys")
@limiter.limit("10/minute")
def register_passkey() -> ResponseReturnValue:
    name = str((request.get_json(silent=True) or {}).get("name", ""))
    added = passkeys.register(
        get_session(), actor(), _relying_party(), _take_challenge(), _answer(), name, client_address()
    )
    _after_adding(added)
    return jsonify({"codes": added.codes}), 201


@bp.post("/account/passkeys/<int:passkey_id>/remove")
def remove_passkey(passkey_id: int) -> ResponseReturnValue:
    try:
        passkeys.remove(get_session(), actor(), passkey_id, client_address())
    except Conflict as exc:
        flash(exc.translated(_), "error")
    else:
        flash(_("The passkey is removed."), "success")
    return redirect(url_for("auth.two_factor_page"))


@bp.post("/login/passkey/options")
@limiter.limit("30/minute")
def passkey_sign_in_options() -> ResponseReturnValue:
    return _issue(passkeys.authentication(get_session(), _relying_party(), _pending_user()))


@bp.post("/login/passkey")
@limiter.limit("10/minute;30/hour")
def passkey_sign_in() -> ResponseReturnValue:
    pending = _pending_user()
    user = passkeys.authenticate(
        get_session(), _relying_party(), _take_challenge(), _answer(), pending, client_address()
    )
    _complete_sign_in(user)
    return jsonify({"redirect": _safe_next(request.args.get("next"))})


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    accounts.end_login_session(get_session(), current_user.token)
    logout_user()
    session.clear()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("10/hour", methods=["POST"])
def register() -> ResponseReturnValue:
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            accounts.register_organisation(
                get_session(),
                accounts.Registration(
                    legal_name=form.legal_name.data or "",
                    legal_name_latin=form.legal_name_latin.data or "",
                    country=form.country.data or "",
                    is_foreign=form.origin.data == "foreign",
                    registration_number=form.registration_number.data or "",
                    contact_email=form.contact_email.data or "",
                    language=form.language.data or "en",
                    user_email=form.email.data or "",
                    password=form.password.data or "",
                    timezone=form.timezone.data or "UTC",
                    kind=OrgKind(form.kind.data),
                ),
            )
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            message = _(
                "Registration received. Confirm your e-mail address with the link we sent you; filing opens once "
                "a prosecutor approves your organisation."
            )
            flash(message, "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/register.html", form=form), 422 if form.errors else 200


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit("20/hour;5/minute", methods=["POST"])
@limiter.limit("5/hour", methods=["POST"], key_func=login_account_key)
def forgot_password() -> ResponseReturnValue:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        email_links.ask_password_reset(get_session(), form.email.data or "", client_address())
        # The same answer whether the address has an account or not.
        flash(
            _(
                "If an account uses this address, a link to reset its password is on its way. "
                "It works once, within an hour."
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form), 422 if form.errors else 200


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit("30/hour", methods=["POST"])
def reset_password(token: str) -> ResponseReturnValue:
    db = get_session()
    if not email_links.usable(db, token, LinkPurpose.RESET_PASSWORD):
        return render_template("auth/link_spent.html"), 410
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            remaining = email_links.reset_password(db, token, form.password.data or "", client_address())
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            return render_template("auth/reset_done.html", tokens=remaining)
    return render_template("auth/reset.html", form=form), 422 if form.errors else 200


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@limiter.limit("30/hour", methods=["POST"])
def accept_invitation(token: str) -> ResponseReturnValue:
    db = get_session()
    invitation = members.invitation_for(db, token)
    if invitation is None:
        return render_template("auth/link_spent.html"), 410
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            user = members.accept(db, token, form.name.data or "", form.password.data or "", client_address())
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            logout_user()
            session.clear()
            flash(
                _("Welcome. Your account %(email)s is ready: sign in with your new password.", email=user.email),
                "success",
            )
            return redirect(url_for("auth.login"))
    return render_template("auth/invitation.html", form=form, invitation=invitation), 422 if form.errors else 200


@bp.route("/email/confirm/<token>", methods=["GET", "POST"])
def confirm_email(token: str) -> ResponseReturnValue:
    # A GET only shows the button: mail scanners that fetch links must not spend them.
    db = get_session()
    if not email_links.usable(db, token, LinkPurpose.VERIFY_EMAIL):
        return render_template("auth/link_spent.html"), 410
    form = FlaskForm()
    if form.validate_on_submit():
        try:
            user = email_links.confirm_email(db, token, client_address())
        except DomainError as exc:
            flash(exc.translated(_), "error")
        else:
            flash(_("Your e-mail address %(email)s is confirmed.", email=user.email), "success")
            return redirect(url_for("auth.account") if current_user.is_authenticated else url_for("auth.login"))
    return render_template("auth/confirm_email.html", form=form)


@bp.route("/account", methods=["GET", "POST"])
def account() -> ResponseReturnValue:
    password_form = PasswordForm(prefix="pw")
    preferences_form = PreferencesForm(
        prefix="prefs", name=actor().name, language=actor().language, timezone=actor().timezone
    )
    db = get_session()
    choices = notifications.email_choices(db, actor())
    mail_form = EmailChoicesForm(prefix="mail", email=[k.value for k, on in choices.items() if on])
    mail_form.email.choices = [(k.value, labels.EVENT_KIND[k]) for k in choices]
    address_form = EmailChangeForm(prefix="address")
    if "address-email" in request.form and address_form.validate_on_submit():
        try:
            email_links.ask_email_change(
                db, actor(), address_form.email.data or "", address_form.password.data or "", client_address()
            )
        except DomainError as exc:
            apply_errors(address_form, exc)
        else:
            flash(
                _(
                    "A link is on its way to %(email)s. Your address changes when you follow it.",
                    email=address_form.email.data,
                ),
                "success",
            )
            return redirect(url_for("auth.account"))
    elif "pw-new_password" in request.form and password_form.validate_on_submit():
        try:
            token = accounts.change_password(
                db,
                actor(),
                password_form.current_password.data or "",
                password_form.new_password.data or "",
                client_address(),
                request.user_agent.string,
            )
        except DomainError as exc:
            apply_errors(password_form, exc)
        else:
            session.clear()
            login_user(SignedIn(actor(), token))
            flash(_("Password changed. Every other session has been signed out."), "success")
            return redirect(url_for("auth.account"))
    elif "prefs-language" in request.form and preferences_form.validate_on_submit():
        accounts.set_preferences(
            db,
            actor(),
            preferences_form.language.data or "en",
            preferences_form.timezone.data or "UTC",
            preferences_form.name.data or "",
        )
        flash(_("Preferences saved."), "success")
        return redirect(url_for("auth.account"))
    elif "mail-csrf_token" in request.form and mail_form.validate_on_submit():
        notifications.set_email_choices(db, actor(), mail_form.email.data or [])
        flash(_("E-mail choices saved."), "success")
        return redirect(url_for("auth.account"))
    return render_template(
        "auth/account.html",
        password_form=password_form,
        preferences_form=preferences_form,
        mail_form=mail_form,
        address_form=address_form,
    ), 422 if password_form.errors or address_form.errors else 200


@bp.post("/account/email/confirmation")
@limiter.limit("5/hour")
def send_confirmation() -> ResponseReturnValue:
    try:
        email_links.send_verification(get_session(), actor())
    except DomainError as exc:
        flash(exc.translated(_), "info")
    else:
        flash(_("A new link is on its way to %(email)s.", email=actor().email), "success")
    return redirect(url_for("auth.account"))


@bp.post("/language")
def language() -> ResponseReturnValue:
    """Language switch for visitors who are not signed in."""
    form = LanguageForm()
    if form.validate_on_submit():
        session["lang"] = form.language.data
    return redirect(_safe_next(request.form.get("next")))


def _token_form(fresh: bool = False) -> TokenForm:
    form = TokenForm(formdata=None) if fresh else TokenForm()
    form.scopes.choices = [(s.value, labels.TOKEN_SCOPE[s]) for s in TokenScope if s in tokens.allowed_scopes(actor())]
    return form


def _tokens_page(form: TokenForm, issued: tokens.Issued | None = None) -> ResponseReturnValue:
    listed = tokens.own(get_session(), actor()).items
    status = 422 if form.errors or form.form_errors else 200
    return render_template("auth/tokens.html", form=form, tokens=listed, issued=issued, now=utcnow()), status


@bp.get("/account/tokens")
def api_tokens() -> ResponseReturnValue:
    return _tokens_page(_token_form())


@bp.post("/account/tokens")
def create_token() -> ResponseReturnValue:
    form = _token_form()
    if form.validate_on_submit():
        try:
            issued = tokens.create(
                get_session(),
                actor(),
                form.name.data or "",
                form.scopes.data or [],
                int(form.days.data or tokens.DEFAULT_DAYS),
                client_address(),
            )
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            # Shown on this page only, never again: it is not put in the session or a redirect.
            return _tokens_page(_token_form(fresh=True), issued)
    return _tokens_page(form)


@bp.post("/account/tokens/<int:token_id>/revoke")
def revoke_token(token_id: int) -> ResponseReturnValue:
    token = tokens.revoke(get_session(), actor(), token_id, client_address())
    flash(_("The token “%(name)s” is revoked; it no longer works.", name=token.name), "success")
    return redirect(url_for("auth.api_tokens"))


@bp.get("/account/sessions")
def sessions() -> ResponseReturnValue:
    listed = accounts.login_sessions(get_session(), actor())
    browsers = {s.id: describe_browser(s.user_agent) for s in listed}
    return render_template("auth/sessions.html", sessions=listed, browsers=browsers, current=digest(current_user.token))


@bp.post("/account/sessions/<int:session_id>/end")
def end_session(session_id: int) -> ResponseReturnValue:
    accounts.end_login_session_of(get_session(), actor(), session_id, client_address())
    if accounts.user_for_login_session(get_session(), current_user.token) is None:  # it was this browser
        logout_user()
        session.clear()
        return redirect(url_for("auth.login"))
    flash(_("That browser is signed out."), "success")
    return redirect(url_for("auth.sessions"))


@bp.get("/account/log")
def own_log() -> ResponseReturnValue:
    page = account_log.own(get_session(), actor(), page_window())
    return render_template("auth/log.html", page=page, title=_("Your account's log"), endpoint="auth.own_log")
