"""Bulk filing over the API: a sheet of complaints checked, then filed once."""

from __future__ import annotations

import io
from typing import IO

from flask import current_app, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import UnsupportedMediaType

from portal.api import bp, me_
from portal.api.contract import operation, query
from portal.db import get_session
from portal.downloads import file_response
from portal.models import Role
from portal.schemas.batches import Batch, BatchForm, BatchOptions, TemplateQuery
from portal.schemas.parse import InvalidRequest, parse
from portal.serialise import batch_json
from portal.services import batch_sheets, batches
from portal.services.access import require_filer, require_role
from portal.services.errors import Invalid
from portal.signing import get_notary
from portal.storage import get_store

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/batches/template")
@operation(
    "The bulk-filing template: one complaint per row",
    tag="complaints",
    query=TemplateQuery,
    produces={XLSX: "The workbook, with a sheet of help.", "text/csv": "The header row (UTF-8)."},
)
def batch_template() -> ResponseReturnValue:
    require_role(me_(), frozenset({Role.HOLDER}), "Only rights holders and their agents file complaints.")
    if query().format == "csv":
        return file_response("complaints-template.csv", batch_sheets.template_csv(), "text/csv")
    return file_response("complaints-template.xlsx", batch_sheets.template_xlsx(lambda text: text), XLSX)


def _part(name: str) -> tuple[str, IO[bytes]] | None:
    """A file of the form: a file part, or a plain part holding the bytes; None if absent or empty."""
    given = request.files.get(name)
    if given is not None and (given.filename or given.content_length):
        return given.filename or name, given.stream
    text = request.form.get(name)
    return (name, io.BytesIO(text.encode())) if text else None


@bp.post("/batches")
@operation(
    "Check a sheet of complaints for bulk filing: a report per row; nothing is filed yet",
    tag="complaints",
    description="Every row is checked as a complaint filed by hand would be, and each bad value is named by its "
    "row and column. File the batch with POST /batches/{batch_id}/file.",
    form=BatchForm,
    response=Batch,
    status=201,
    errors=(403,),
    links={"batch_id": "id"},
)
def check_batch() -> ResponseReturnValue:
    require_filer(me_())
    if request.mimetype != "multipart/form-data":
        raise UnsupportedMediaType("Send the batch as multipart/form-data: the sheet, and the ZIP of evidence if any.")
    stray = sorted((set(request.form) | set(request.files)) - {"submit", "sheet", "archive"})
    if stray:
        raise InvalidRequest(
            f"Unknown form fields: {', '.join(stray[:20])}.", dict.fromkeys(stray[:20], "Not a field of this form.")
        )
    options = parse(BatchOptions, {key: value for key, value in request.form.items() if key == "submit"})
    sheet = _part("sheet")
    if sheet is None:
        raise Invalid("Send the filled-in template as the form field sheet.", {"sheet": "Required."})
    archive = _part("archive")
    batch = batches.check(
        get_session(),
        get_store(),
        me_(),
        sheet[0],
        sheet[1].read(batch_sheets.MAX_SHEET_BYTES + 1),
        options.submit,
        current_app.config["SETTINGS"].max_upload_bytes,
        archive[1] if archive else None,
        archive[0] if archive else "",
    )
    return batch_json(batch)


@bp.get("/batches/<token:batch_id>")
@operation("A batch: its report per row, and what was filed", tag="complaints", response=Batch)
def batch_detail(batch_id: str) -> ResponseReturnValue:
    return batch_json(batches.get(get_session(), me_(), batch_id))


@bp.post("/batches/<token:batch_id>/file")
@operation(
    "File a checked batch's valid rows, as drafts or submitted as chosen; asked again, it files nothing twice",
    tag="complaints",
    description="Each valid row becomes a complaint with its evidence (signed receipts, custody and log entries "
    "as for any upload). A filing cut off goes on from where it stopped when asked again; once filed, the answer "
    "is the batch as filed. A row refused while filing (a right retired since the check) is marked failed and "
    "the others are filed.",
    response=Batch,
    errors=(403, 409, 410),
)
def file_batch(batch_id: str) -> ResponseReturnValue:
    batch = batches.file(
        get_session(), get_store(), get_notary(), me_(), batch_id, current_app.config["SETTINGS"].max_upload_bytes
    )
    return batch_json(batch)


@bp.get("/batches/<token:batch_id>/receipts")
@operation(
    "The batch's receipt list: each filed complaint and each file received, with its SHA-256 and log index",
    tag="complaints",
    produces={"text/csv": "One line per evidence item received, and one per row that received none."},
)
def batch_receipts(batch_id: str) -> ResponseReturnValue:
    data = batches.receipt_list(get_session(), me_(), batch_id)
    return file_response(f"batch-{batch_id}-receipts.csv", data, "text/csv")
