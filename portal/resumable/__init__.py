"""Resumable uploads for the pages' uploader (Uppy): the tus protocol as the API speaks it, for the
signed-in browser, which sends its CSRF token in a header. A finished upload is named, with its details,
to the page's own endpoint for evidence, a case document or a power of attorney."""

from __future__ import annotations

from flask import Blueprint, Response, request
from flask.typing import ResponseReturnValue

from portal import tus
from portal.login import actor

bp = Blueprint("resumable", __name__, url_prefix="/uploads")


@bp.after_request
def _stamp(response: Response) -> Response:
    return tus.stamp(response) if request.blueprint == bp.name else response


@bp.post("/")
def create() -> ResponseReturnValue:
    return tus.create(actor(), "resumable.head")


@bp.route("/<token:upload_id>", methods=["HEAD"])
def head(upload_id: str) -> ResponseReturnValue:
    return tus.head(actor(), upload_id)


@bp.patch("/<token:upload_id>")
def patch(upload_id: str) -> ResponseReturnValue:
    return tus.patch(actor(), upload_id)


@bp.delete("/<token:upload_id>")
def delete(upload_id: str) -> ResponseReturnValue:
    return tus.delete(actor(), upload_id)
