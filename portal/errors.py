"""Domain and evidence errors become pages, or JSON for the API and the uploader.

A failure of the database or the evidence store answers 503 with
``Retry-After``; it and any unexpected failure (500) are logged with an id
that the answer repeats. Stack traces, hosts, buckets and keys go to the
log only.
"""

from __future__ import annotations

import logging
import uuid
from http import HTTPStatus

from flask import Flask, Response, current_app, make_response, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import exc as sa
from werkzeug.exceptions import HTTPException, InternalServerError, RequestEntityTooLarge

from evidence import errors as ev
from portal.i18n import both
from portal.schemas.base import Problem
from portal.services.errors import DomainError, translatable

PROBLEM = "application/problem+json"

log = logging.getLogger(__name__)
RETRY_AFTER = "30"
# The database is down, restarting, unreachable, or has no connection free for this request.
DATABASE_FAULTS = (sa.OperationalError, sa.InterfaceError, sa.DisconnectionError, sa.TimeoutError)

# Statuses that http.HTTPStatus does not know: tus's.
EXTRA_STATUS = {460: "Checksum Mismatch"}

EVIDENCE_STATUS: dict[type[ev.EvidenceError], tuple[int, str]] = {
    ev.EmptyFile: (422, "empty_file"),
    ev.TooLarge: (413, "too_large"),
    ev.Overrun: (413, "past_upload_length"),
    ev.ResumableUnsupported: (501, "resumable_unsupported"),
    ev.RefusedType: (415, "unsupported_type"),
    ev.DigestMismatch: (400, "digest_mismatch"),
    ev.Truncated: (400, "truncated"),
    ev.ImageRefused: (422, "image_refused"),
    ev.StoreUnavailable: (503, "store_unavailable"),
    ev.ObjectMissing: (409, "object_missing"),
    ev.Damaged: (409, "object_damaged"),
}


def json_error(
    status: int,
    code: str,
    message: str,
    fields: dict[str, str] | None = None,
    error_id: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """RFC 9457 problem details, with the portal's ``code``, ``fields`` and ``error_id`` as extension members."""
    title = EXTRA_STATUS.get(status) or HTTPStatus(status).phrase
    problem = Problem(title=title, status=status, detail=message, code=code)
    if fields:
        problem.fields = fields
    if error_id:
        problem.error_id = error_id
    body = problem.model_dump_json(exclude_none=True)
    return Response(body, f"{status} {title}", headers=headers, mimetype=PROBLEM)


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _respond(
    status: int, code: str, message: str, fields: dict[str, str] | None = None, translated: str | None = None
) -> ResponseReturnValue:
    if _wants_json():
        return json_error(status, code, message, fields)
    return render_template("error.html", status=status, message=translated or _(message)), status


def _logged(exc: BaseException, status: int) -> str:
    """Log a failure with its cause chain (where it failed: hosts, buckets, keys) under a new id."""
    error_id = uuid.uuid4().hex[:16]
    cause: BaseException | None = exc
    details: list[str] = []
    while cause is not None and len(details) < 10:  # a chain can loop back on itself
        details.append(cause.detail if isinstance(cause, ev.StoreUnavailable) else f"{type(cause).__name__}: {cause}")
        cause = cause.__cause__ or cause.__context__
    log.error(
        "error %s: %s %s answered %s: %s",
        error_id,
        request.method,
        request.path,
        status,
        " <- ".join(details),
        exc_info=exc if status == 500 else None,
    )
    return error_id


def _unavailable(exc: BaseException, code: str, message: str) -> ResponseReturnValue:
    """503, saying only that the portal should be tried again shortly; nothing here may touch the database."""
    error_id = _logged(exc, 503)
    headers = {"Retry-After": RETRY_AFTER}
    if _wants_json():
        return json_error(503, code, message, error_id=error_id, headers=headers)
    page = current_app.jinja_env.get_template("unavailable.html").render(
        message=both(message, sep="\n"), error_id=error_id
    )
    return page, 503, headers


def init_app(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(exc: DomainError) -> ResponseReturnValue:
        if exc.status == 503:
            return _unavailable(exc, exc.code, exc.message)
        return _respond(exc.status, exc.code, exc.message, exc.fields, exc.translated(_))

    @app.errorhandler(ev.EvidenceError)
    def _evidence(exc: ev.EvidenceError) -> ResponseReturnValue:
        status, code = EVIDENCE_STATUS.get(type(exc), (422, "invalid_evidence"))
        if status == 503:
            return _unavailable(exc, code, str(exc))
        return _respond(status, code, str(exc))

    @app.errorhandler(sa.DBAPIError)
    @app.errorhandler(sa.DisconnectionError)
    @app.errorhandler(sa.TimeoutError)
    def _database(exc: Exception) -> ResponseReturnValue:
        if isinstance(exc, DATABASE_FAULTS) or getattr(exc, "connection_invalidated", False):
            message = translatable("The portal's database is unavailable; try again shortly.")
            return _unavailable(exc, "database_unavailable", message)
        return _internal(exc)

    @app.errorhandler(InternalServerError)
    def _server_error(exc: InternalServerError) -> ResponseReturnValue:
        return _internal(exc.original_exception or exc)

    def _internal(exc: BaseException) -> ResponseReturnValue:
        error_id = _logged(exc, 500)
        message = translatable("Something went wrong on our side; the error is logged as %(id)s.")
        if _wants_json():
            return json_error(500, "internal_error", message % {"id": error_id}, error_id=error_id)
        return render_template("error.html", status=500, message=_(message, id=error_id)), 500

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(exc: RequestEntityTooLarge) -> ResponseReturnValue:
        if exc.description != RequestEntityTooLarge.description:  # a limit of its own, such as a JSON body's
            return _respond(413, "too_large", exc.description or "")
        limit = app.config["SETTINGS"].max_upload_bytes
        return _respond(413, "too_large", f"The upload is larger than the limit of {limit} bytes.")

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> ResponseReturnValue:
        status = exc.code or 500
        response = make_response(_respond(status, exc.name.lower().replace(" ", "_"), exc.description or exc.name))
        allowed = dict(exc.get_headers()).get("Allow")
        if allowed:  # a 405 says which methods the path takes
            response.headers["Allow"] = allowed
        return response
