"""Template globals and filters: labels, dates, sizes."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask
from flask_babel import format_date, format_datetime, format_decimal, get_locale, get_timezone

from portal import labels


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


def init_app(app: Flask) -> None:
    app.jinja_env.globals["labels"] = labels.ALL
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.filters["filesize"] = filesize
    app.jinja_env.filters["when"] = when
    app.jinja_env.add_extension("jinja2.ext.do")
