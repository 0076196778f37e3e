"""Template globals and filters: labels, dates, sizes, numbers and amounts, for the reader's locale."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import Flask
from flask_babel import format_currency, format_date, format_datetime, format_decimal, get_locale, get_timezone

from portal import labels
from portal.services.shanghai import CHINA


def filesize(size: int | None) -> str:
    if size is None:
        return ""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if value < 1024 or unit == "TB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{format_decimal(value, '#,##0.0')} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def when(value: datetime | date | None, kind: str = "medium") -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return f"{format_datetime(value, kind)} {get_timezone()}"
    return format_date(value, kind)


def stated_time(value: str) -> str:
    """A time a file states about itself: in the reader's zone when it carries its own, else as written."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    return when(moment) if moment.tzinfo is not None else value


def court_time(value: datetime) -> str:
    """A hearing's time where the court sits, and in the reader's zone too when that differs."""
    local = format_datetime(value.astimezone(CHINA), "full", rebase=False)
    if str(get_timezone()) == "Asia/Shanghai":
        return local
    return f"{local} · {when(value)}"


def number(value: int | str | None) -> str:
    return "—" if value is None else format_decimal(Decimal(value))


def money(value: str | Decimal | None, currency: str) -> str:
    return "—" if value is None else format_currency(Decimal(value), currency)


class Labels:
    """The label tables as pages read them (``labels.stage[case.stage]``), each translated once per language:
    a lazy string looks its translation up again every time a row prints it."""

    def __init__(self) -> None:
        self._translated: dict[tuple[str, str], dict[Any, str]] = {}

    def __getattr__(self, name: str) -> dict[Any, str]:
        if name not in labels.ALL:
            raise AttributeError(name)
        key = (str(get_locale()), name)
        if key not in self._translated:
            self._translated[key] = {value: str(label) for value, label in labels.ALL[name].items()}
        return self._translated[key]


def init_app(app: Flask) -> None:
    app.jinja_env.globals["labels"] = Labels()
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.filters["filesize"] = filesize
    app.jinja_env.filters["when"] = when
    app.jinja_env.filters["court_time"] = court_time
    app.jinja_env.filters["stated_time"] = stated_time
    app.jinja_env.filters["number"] = number
    app.jinja_env.filters["money"] = money
    app.jinja_env.add_extension("jinja2.ext.do")
