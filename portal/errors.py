"""Domain and evidence errors become pages, or JSON for the API and the uploader."""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from evidence import errors as ev
from portal.services.errors import DomainError

EVIDENCE_STATUS: dict[type[ev.EvidenceError], tuple[int, str]] = {
    ev.EmptyFile: (422, "empty_file"),
    ev.TooLarge: (413, "too_large"),
    ev.RefusedType: (415, "unsupported_type"),
    ev.DigestMismatch: (400, "digest_mismatch"),
    ev.Truncated: (400, "truncated"),
    ev.ImageRefused: (422, "image_refused"),
    ev.StoreUnavailable: (503, "store_unavailable"),
    ev.ObjectMissing: (409, "object_missing"),
}


def json_error(status: int, code: str, message: str, fields: dict[str, str] | None = None) -> ResponseReturnValue:
    body: dict[str, Any] = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return jsonify(error=body), status


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _respond(
    status: int, code: str, message: str, fields: dict[str, str] | None = None, translated: str | None = None
) -> ResponseReturnValue:
    if _wants_json():
        return json_error(status, code, message, fields)
    return render_template("error.html", status=status, message=translated or _(message)), status


def init_app(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(exc: DomainError) -> ResponseReturnValue:
        return _respond(exc.status, exc.code, exc.message, exc.fields, exc.translated(_))

    @app.errorhandler(ev.EvidenceError)
    def _evidence(exc: ev.EvidenceError) -> ResponseReturnValue:
        status, code = EVIDENCE_STATUS.get(type(exc), (422, "invalid_evidence"))
        return _respond(status, code, str(exc))

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(exc: RequestEntityTooLarge) -> ResponseReturnValue:
        limit = app.config["SETTINGS"].max_upload_bytes
        return _respond(413, "too_large", f"The upload is larger than the limit of {limit} bytes.")

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> ResponseReturnValue:
        status = exc.code or 500
        return _respond(status, exc.name.lower().replace(" ", "_"), exc.description or exc.name)
