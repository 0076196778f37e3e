"""Resumable uploads over the API: the tus 1.0 protocol, with the creation, creation-with-upload,
termination, checksum and expiration extensions. A finished upload is named in the call that makes it
evidence, a case document or a power of attorney (a JSON body ``{"upload": "<id>", ...}``)."""

from __future__ import annotations

from flask import Response, request
from flask.typing import ResponseReturnValue

from portal import tus
from portal.api import bp, me_
from portal.api.contract import Header, operation
from portal.models import TokenScope

UPLOADING = (TokenScope.FILE, TokenScope.CASES)
TUS_RESUMABLE = Header(
    "Tus-Resumable",
    "The protocol version: 1.0.0. Without it the request is refused (412).",
    {"type": "string", "enum": [tus.VERSION]},
)
UPLOAD_OFFSET = Header("Upload-Offset", "How many bytes of the upload have arrived.")
NUMBER = {"type": "string", "pattern": tus.DECIMAL_PATTERN}
UPLOAD_CHECKSUM = Header(
    "Upload-Checksum",
    "sha256 <base64>: the SHA-256 of this request's bytes; 460 if they differ.",
    {"type": "string", "pattern": tus.CHECKSUM_PATTERN},
)
UPLOAD_EXPIRES = Header("Upload-Expires", "When the upload is removed unless more bytes arrive (RFC 9110 date).")
ENDPOINTS = {"api.tus_options", "api.tus_create", "api.tus_head", "api.tus_patch", "api.tus_delete"}


@bp.after_request
def _stamp(response: Response) -> Response:
    return tus.stamp(response) if request.endpoint in ENDPOINTS else response


@bp.route("/uploads", methods=["OPTIONS"])
@operation(
    "What the resumable upload server supports (tus)",
    tag="evidence",
    public=True,
    status=204,
    answers=(
        Header("Tus-Version", "1.0.0"),
        Header("Tus-Extension", tus.EXTENSIONS),
        Header("Tus-Checksum-Algorithm", tus.CHECKSUMS),
        Header("Tus-Max-Size", "The largest upload accepted, in bytes (MAX_UPLOAD_BYTES)."),
    ),
)
def tus_options() -> ResponseReturnValue:
    return tus.capabilities()


@bp.post("/uploads", provide_automatic_options=False)
@operation(
    "Begin a resumable upload (tus creation, optionally with its first bytes)",
    tag="evidence",
    scope=UPLOADING,
    status=201,
    replayable=False,
    description="Upload-Length gives the file's size (at most MAX_UPLOAD_BYTES, else 413) and Upload-Metadata its "
    "name (`filename`, base64). With Content-Type application/offset+octet-stream the body holds the first bytes. "
    "The Location answered is where the rest is sent (PATCH); the upload is kept for 7 days after its last bytes. "
    "The first bytes must be of an accepted file type (415 otherwise, and the upload is gone).",
    headers=(
        TUS_RESUMABLE,
        Header("Upload-Length", "The file's size in bytes.", NUMBER),
        Header(
            "Upload-Metadata",
            "Comma-separated `key base64(value)` pairs; `filename` (or `name`) is required.",
            {"type": "string", "pattern": tus.METADATA_PATTERN},
        ),
        UPLOAD_CHECKSUM,
    ),
    consumes={tus.OFFSET_STREAM: "The file's first bytes (creation-with-upload); none is needed."},
    answers=(Header("Location", "The upload's URL."), UPLOAD_OFFSET, UPLOAD_EXPIRES),
    errors=(409, 412, 413, 415, 460),
)
def tus_create() -> ResponseReturnValue:
    return tus.create(me_(), "api.tus_head")


@bp.route("/uploads/<token:upload_id>", methods=["HEAD"])
@operation(
    "How far a resumable upload has come (tus)",
    tag="evidence",
    scope=UPLOADING,
    headers=(TUS_RESUMABLE,),
    answers=(
        UPLOAD_OFFSET,
        Header("Upload-Length", "The file's size."),
        Header("Upload-Metadata", "As sent when it began."),
        UPLOAD_EXPIRES,
    ),
    errors=(410, 412),
)
def tus_head(upload_id: str) -> ResponseReturnValue:
    return tus.head(me_(), upload_id)


@bp.patch("/uploads/<token:upload_id>")
@operation(
    "Send more bytes of a resumable upload, from its offset (tus)",
    tag="evidence",
    scope=UPLOADING,
    status=204,
    description="Upload-Offset must be where the upload is (409 otherwise: ask with HEAD). If the connection breaks, "
    "the bytes that arrived are kept (unless Upload-Checksum was sent, which they then cannot match). One request at "
    "a time writes to an upload (423 while another does).",
    headers=(
        TUS_RESUMABLE,
        Header("Upload-Offset", "Where these bytes go: the upload's offset.", NUMBER),
        UPLOAD_CHECKSUM,
    ),
    consumes={tus.OFFSET_STREAM: "The next bytes of the file."},
    answers=(UPLOAD_OFFSET, UPLOAD_EXPIRES),
    errors=(409, 410, 412, 413, 415, 423, 460),
)
def tus_patch(upload_id: str) -> ResponseReturnValue:
    return tus.patch(me_(), upload_id)


@bp.delete("/uploads/<token:upload_id>")
@operation(
    "Abandon a resumable upload: its bytes are removed (tus termination)",
    tag="evidence",
    scope=UPLOADING,
    status=204,
    headers=(TUS_RESUMABLE,),
    errors=(410, 412, 423),
)
def tus_delete(upload_id: str) -> ResponseReturnValue:
    return tus.delete(me_(), upload_id)
