"""URL converters: an id in a path is a row id, so one too large for the database matches no route (404).
And the window a page's "older" link asks for."""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from werkzeug.routing import BaseConverter, IntegerConverter, Map

from portal.schemas.base import ROW_ID_MAX
from portal.services.paging import Window

PAGE_LENGTH = 50


class RowId(IntegerConverter):
    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", ROW_ID_MAX)
        super().__init__(map, *args, **kwargs)


class TokenId(BaseConverter):
    """A resumable upload's or a filing batch's id: 32 URL-safe characters."""

    regex = "[A-Za-z0-9_-]{32}"


def page_window() -> Window:
    """The page after the row id in ``?after=`` (keyset: any page costs what the first does)."""
    after = request.args.get("after", type=int)
    return Window(after if after is not None and 0 < after <= ROW_ID_MAX else None, PAGE_LENGTH)


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = RowId
    app.url_map.converters["token"] = TokenId
