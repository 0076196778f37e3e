"""Language per user (English or Simplified Chinese) and locale-aware formatting."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

from flask import Flask, g, has_request_context, request, session
from flask_babel import Babel, LazyString, force_locale, gettext, refresh
from flask_login import current_user

from portal.services.accounts import LANGUAGES

babel = Babel()


def select_locale() -> str:
    if "recipient" in g:
        return str(g.recipient.language)
    if not has_request_context():
        return "en"
    if current_user and current_user.is_authenticated:
        return str(current_user.user.language)
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return str(chosen)
    return request.accept_languages.best_match(LANGUAGES) or "en"


def select_timezone() -> str:
    if "recipient" in g:
        return str(g.recipient.timezone)
    if not has_request_context():
        return "UTC"
    if current_user and current_user.is_authenticated:
        return str(current_user.user.timezone)
    return "UTC"


class Reader(Protocol):
    language: str
    timezone: str


@dataclass(frozen=True)
class Addressee:
    """A reader known by language and time zone only, such as the new address of a change of e-mail."""

    language: str
    timezone: str


@contextmanager
def speaking_to(reader: Reader) -> Iterator[None]:
    """Translate and format for ``reader`` (an e-mail's recipient) rather than whoever is signed in."""
    g.recipient = reader
    refresh()
    try:
        yield
    finally:
        g.pop("recipient")
        refresh()


def both(message: str | LazyString, sep: str = " / ", **params: object) -> str:
    """'中文 / English' for what both sides read: receipts, evidence lists."""
    texts = []
    for locale in ("zh", "en"):
        with force_locale(locale):
            texts.append(gettext(message, **params) if isinstance(message, str) else str(message))
    return texts[0] if texts[0] == texts[1] else sep.join(texts)


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(app.root_path + "/translations"))
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "UTC")
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.jinja_env.globals["both"] = both
