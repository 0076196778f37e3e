"""Flask-Login wiring: server-side sign-in sessions, login required by default."""

from __future__ import annotations

from typing import Any

from flask import Flask, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, UserMixin, current_user

from portal.db import get_session
from portal.models import User
from portal.services import accounts, two_factor

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please sign in to continue.")
login_manager.session_protection = "basic"

# Endpoints that anyone may reach; everything else requires a signed-in user.
PUBLIC_ENDPOINTS = frozenset(
    {
        "auth.login",
        "auth.register",
        "auth.forgot_password",
        "auth.reset_password",
        "auth.confirm_email",
        "auth.accept_invitation",
        "auth.second_factor",
        "auth.passkey_sign_in_options",
        "auth.passkey_sign_in",
        "auth.language",
        "static",
        "main.health",
        "transparency.log",
        "transparency.keys",
        "transparency.trust_file",
    }
)


# What a user who must add a second factor can reach before they have.
SETTING_UP = frozenset(
    {
        "auth.two_factor_page",
        "auth.enable_totp",
        "auth.passkey_registration_options",
        "auth.register_passkey",
        "auth.logout",
        "auth.language",
        "static",
    }
)


class SignedIn(UserMixin):
    """The current browser's sign-in: the user plus the session token Flask-Login keeps."""

    def __init__(self, user: User, token: str) -> None:
        self.user = user
        self.token = token

    def get_id(self) -> str:
        return self.token

    @property
    def is_active(self) -> bool:
        return self.user.active


@login_manager.user_loader
def _load(token: str) -> SignedIn | None:
    user = accounts.user_for_login_session(get_session(), token)
    return SignedIn(user, token) if user else None


def actor() -> User:
    """The signed-in user as a model, for the services."""
    user: User = current_user.user
    return user


def init_app(app: Flask) -> None:
    login_manager.init_app(app)

    @app.before_request
    def _require_login() -> Any:
        endpoint = request.endpoint or ""
        # The API authenticates by token; its unknown paths and methods answer JSON 404 and 405, never a redirect.
        # A path that matches nothing answers 404 to everyone. Sending it to sign-in would flash a message into the
        # session cookie: a browser asks for /favicon.ico by itself, and that answer, landing after the sign-in's,
        # put back the cookie from before it and signed the user out again.
        if request.url_rule is None or request.path.startswith("/api/") or endpoint in PUBLIC_ENDPOINTS:
            return None
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        user = current_user.user
        if endpoint not in SETTING_UP and two_factor.required(user) and not two_factor.enrolled(user):
            # Staff, and members whose organisation asks for it, reach nothing else before a second factor.
            return redirect(url_for("auth.two_factor_page"))
        return None
