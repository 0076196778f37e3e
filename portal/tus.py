"""The tus 1.0 protocol (https://tus.io/protocols/resumable-upload) over the resumable upload service: its
headers read from requests and written on answers, and the four requests answered, for the API (a token)
and for the pages' uploader (a signed-in browser) alike. The rules of an upload are the service's
(portal.services.resumable_uploads)."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from email.utils import format_datetime

from flask import Response, current_app, request, url_for
from werkzeug.exceptions import ClientDisconnected, UnsupportedMediaType

from evidence.ingest import CHUNK_SIZE
from portal.db import get_session
from portal.models import ResumableUpload, User
from portal.services import resumable_uploads
from portal.services.errors import Malformed, PreconditionFailed, translatable
from portal.services.resumable_uploads import Interrupted
from portal.storage import get_store

VERSION = "1.0.0"
EXTENSIONS = "creation,creation-with-upload,termination,checksum,expiration"
CHECKSUMS = "sha256"
OFFSET_STREAM = "application/offset+octet-stream"
_METADATA_KEY = re.compile(r"[!-+\-.0-~]+")  # printable ASCII without spaces or commas
_BASE64 = "(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?"
METADATA_PATTERN = rf"^[!-+\-.0-~]+(?: {_BASE64})?(?:,[!-+\-.0-~]+(?: {_BASE64})?)*$"
DECIMAL_PATTERN = "^[0-9]{1,19}$"
_DECIMAL = re.compile(DECIMAL_PATTERN)
CHECKSUM_PATTERN = "^sha256 [A-Za-z0-9+/]{43}=$"


def require_version() -> None:
    """Every request but OPTIONS names the protocol version it speaks."""
    sent = request.headers.get("Tus-Resumable")
    if sent != VERSION:
        raise PreconditionFailed(
            "Send Tus-Resumable: %(version)s; this server speaks tus %(version)s only.", version=VERSION
        )


def _decimal(name: str) -> int | None:
    value = request.headers.get(name)
    if value is None:
        return None
    if not _DECIMAL.fullmatch(value.strip()):
        raise Malformed("%(name)s must be a whole number of bytes.", {name: "Not a number."}, name=name)
    return int(value)


def upload_length() -> int | None:
    if "Upload-Defer-Length" in request.headers:
        raise Malformed(
            "Uploads of unknown length are not accepted: send Upload-Length.", {"Upload-Defer-Length": "Not accepted."}
        )
    return _decimal("Upload-Length")


def upload_offset() -> int:
    offset = _decimal("Upload-Offset")
    if offset is None:
        raise Malformed("Send Upload-Offset: where these bytes go.", {"Upload-Offset": "Required."})
    return offset


def metadata() -> dict[str, str]:
    """Upload-Metadata: comma-separated ``key base64(value)`` pairs; a later key replaces an earlier one."""
    decoded: dict[str, str] = {}
    for pair in filter(None, (p.strip() for p in request.headers.get("Upload-Metadata", "").split(","))):
        key, _, value = pair.partition(" ")
        if not _METADATA_KEY.fullmatch(key):
            raise Malformed("Upload-Metadata has a bad key: %(key)r.", {"Upload-Metadata": key}, key=key)
        try:
            raw = base64.b64decode(value.strip(), validate=True)
        except binascii.Error:
            problem = translatable("The value of %(key)r in Upload-Metadata is not base64.")
            raise Malformed(problem, {"Upload-Metadata": key}, key=key) from None
        # Values are bytes in tus; the portal keeps text, such as file names.
        decoded[key] = raw.decode(errors="replace")
    return decoded


def checksum() -> bytes | None:
    """The SHA-256 the request's bytes must have (Upload-Checksum: sha256 <base64>), if sent."""
    header = request.headers.get("Upload-Checksum")
    if header is None:
        return None
    algorithm, _, value = header.strip().partition(" ")
    if algorithm.lower() != "sha256":
        raise Malformed(
            "Upload-Checksum: only sha256 is supported, not %(algorithm)s.",
            {"Upload-Checksum": algorithm},
            algorithm=algorithm,
        )
    try:
        digest = base64.b64decode(value.strip(), validate=True)
    except binascii.Error:
        digest = b""
    if len(digest) != 32:
        raise Malformed("Upload-Checksum must be sha256 and 32 bytes in base64.", {"Upload-Checksum": "Malformed."})
    return digest


def has_bytes() -> bool:
    """Whether the request carries upload bytes: tus says so by their content type."""
    return request.mimetype == OFFSET_STREAM


def body() -> Iterator[bytes]:
    """The request's bytes as they arrive; :class:`Interrupted` if the client goes before the end."""
    stream = request.stream
    while True:
        try:
            chunk = stream.read(CHUNK_SIZE)
        except (ClientDisconnected, OSError) as exc:
            raise Interrupted() from exc
        if not chunk:
            return
        yield chunk


def expires(upload: ResumableUpload) -> str:
    return format_datetime(upload.expires_at, usegmt=True)


def progress(upload: ResumableUpload, status: int, location: str | None = None) -> Response:
    headers = {"Upload-Offset": str(upload.offset), "Upload-Expires": expires(upload)}
    if location is not None:
        headers["Location"] = location
    return Response(status=status, headers=headers)


def described(upload: ResumableUpload) -> Response:
    """HEAD: how far the upload has come."""
    meta = ",".join(f"{key} {base64.b64encode(value.encode()).decode()}" for key, value in upload.meta.items())
    headers = {
        "Upload-Offset": str(upload.offset),
        "Upload-Length": str(upload.length),
        "Upload-Expires": expires(upload),
        "Cache-Control": "no-store",
    }
    if meta:
        headers["Upload-Metadata"] = meta
    return Response(status=200, headers=headers)


def capabilities() -> Response:
    """OPTIONS: what this server supports."""
    return Response(
        status=204,
        headers={
            "Tus-Version": VERSION,
            "Tus-Extension": EXTENSIONS,
            "Tus-Checksum-Algorithm": CHECKSUMS,
            "Tus-Max-Size": str(current_app.config["SETTINGS"].max_upload_bytes),
        },
    )


def stamp(response: Response) -> Response:
    """Every answer names the protocol version; a 412 also the versions this server speaks."""
    response.headers["Tus-Resumable"] = VERSION
    if response.status_code == 412:
        response.headers["Tus-Version"] = VERSION
    return response


def create(actor: User, located_by: str) -> Response:
    """POST: a new upload, with its first bytes if the request carries them; ``located_by`` is the
    endpoint whose URL is the upload's."""
    resumable_uploads.require_uploader(actor)
    require_version()
    length, meta, sent = upload_length(), metadata(), checksum()
    db, store = get_session(), get_store()
    max_bytes = current_app.config["SETTINGS"].max_upload_bytes
    upload = resumable_uploads.create(db, store, actor, length, meta, max_bytes)
    location = url_for(located_by, upload_id=upload.id, _external=True)
    if has_bytes():
        upload = resumable_uploads.append(db, store, actor, upload.id, 0, body(), sent)
    return progress(upload, 201, location)


def head(actor: User, upload_id: str) -> Response:
    upload = resumable_uploads.get(get_session(), actor, upload_id)
    require_version()
    return described(upload)


def patch(actor: User, upload_id: str) -> Response:
    resumable_uploads.get(get_session(), actor, upload_id)  # someone else's upload is not there, whatever is sent
    require_version()
    if not has_bytes():
        raise UnsupportedMediaType(f"Send the bytes with Content-Type: {OFFSET_STREAM}.")
    offset, sent = upload_offset(), checksum()
    upload = resumable_uploads.append(get_session(), get_store(), actor, upload_id, offset, body(), sent)
    return progress(upload, 204)


def delete(actor: User, upload_id: str) -> Response:
    resumable_uploads.get(get_session(), actor, upload_id)
    require_version()
    resumable_uploads.terminate(get_session(), get_store(), actor, upload_id)
    return Response(status=204)
