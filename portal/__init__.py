"""The IP evidence portal: a Flask application built by :func:`create_app`."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from portal.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or Settings.from_env()
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(settings.instance_path),
    )
    from portal.uploads import PortalRequest

    app.request_class = PortalRequest
    app.config.update(
        SETTINGS=settings,
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=settings.max_upload_bytes + 64 * 1024,  # room for multipart framing
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=settings.secure_cookies,
        WTF_CSRF_TIME_LIMIT=8 * 3600,
    )

    from portal import db, errors, i18n, login, routing, security, signing, storage, templating
    from portal.admin import bp as admin_bp
    from portal.api import bp as api_bp
    from portal.auth import bp as auth_bp
    from portal.batches import bp as batches_bp
    from portal.cases import bp as cases_bp
    from portal.dashboard import bp as dashboard_bp
    from portal.evidence_pages import bp as evidence_bp
    from portal.holder import bp as holder_bp
    from portal.inbox import bp as inbox_bp
    from portal.inbox import init_app as inbox_init
    from portal.main import bp as main_bp
    from portal.org import bp as org_bp
    from portal.participation import bp as participation_bp
    from portal.resumable import bp as resumable_bp
    from portal.review import bp as review_bp
    from portal.transparency import bp as transparency_bp

    for init in (
        routing.init_app,
        db.init_app,
        storage.init_app,
        signing.init_app,
        security.init_app,
        login.init_app,
        i18n.init_app,
        templating.init_app,
        errors.init_app,
        inbox_init,
    ):
        init(app)
    blueprints = (
        main_bp,
        auth_bp,
        holder_bp,
        evidence_bp,
        review_bp,
        cases_bp,
        admin_bp,
        api_bp,
        transparency_bp,
        inbox_bp,
        org_bp,
        participation_bp,
        dashboard_bp,
        resumable_bp,
        batches_bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    security.csrf.exempt(api_bp)
    return app
