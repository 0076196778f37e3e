"""Language per user (English or Simplified Chinese) and locale-aware formatting."""

from __future__ import annotations

from flask import Flask, request, session
from flask_babel import Babel
from flask_login import current_user

from portal.services.accounts import LANGUAGES

babel = Babel()


def select_locale() -> str:
    if current_user and current_user.is_authenticated:
        return str(current_user.user.language)
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return str(chosen)
    return request.accept_languages.best_match(LANGUAGES) or "en"


def select_timezone() -> str:
    if current_user and current_user.is_authenticated:
        return str(current_user.user.timezone)
    return "UTC"


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(app.root_path + "/translations"))
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "UTC")
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
