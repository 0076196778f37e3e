"""Security headers, CSRF and login throttling."""

from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
talisman = Talisman()

CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# Swagger UI draws its icons as data: SVG images; its page allows those and nothing else more.
API_DOCS_CSP = {**CSP, "img-src": "'self' data:"}


def client_address() -> str:
    """The address the request came from, for the account log."""
    return request.remote_addr or ""


def login_account_key() -> str:
    """Throttle key for one account, whichever address the attempts come from."""
    return "account:" + request.form.get("email", "").strip().lower()


def init_app(app: Flask) -> None:
    settings = app.config["SETTINGS"]
    csrf.init_app(app)
    app.config["RATELIMIT_STORAGE_URI"] = settings.ratelimit_storage_uri
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter.init_app(app)
    talisman.init_app(
        app,
        force_https=False,  # TLS ends at the reverse proxy
        strict_transport_security=settings.secure_cookies,
        session_cookie_secure=settings.secure_cookies,
        session_cookie_http_only=True,
        frame_options="DENY",
        content_security_policy=CSP,
        referrer_policy="same-origin",
        x_content_type_options=True,
    )
