"""Reading an evidence upload from a request: raw body or multipart, plus its metadata."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app, request
from werkzeug.http import parse_options_header

from evidence.ingest import chunks_of
from portal.models import EvidenceKind
from portal.services.errors import Invalid
from portal.services.evidence import EvidenceMeta, Limits


@dataclass(frozen=True)
class Upload:
    chunks: Iterable[bytes]
    filename: str
    expected_size: int | None
    expected_sha256: str | None


def parse_repr_digest(header: str | None) -> str | None:
    """The SHA-256 (hex) from an RFC 9530 ``Repr-Digest`` header, if it has one."""
    if not header:
        return None
    for member in header.split(","):
        name, _, value = member.strip().partition("=")
        if name.strip().lower() != "sha-256":
            continue
        value = value.strip()
        if len(value) < 2 or value[0] != ":" or value[-1] != ":":
            raise Invalid("Repr-Digest must be of the form sha-256=:<base64>:")
        try:
            raw = base64.b64decode(value[1:-1], validate=True)
        except (binascii.Error, ValueError):
            raise Invalid("Repr-Digest sha-256 is not valid base64.") from None
        if len(raw) != 32:
            raise Invalid("Repr-Digest sha-256 must be 32 bytes.")
        return raw.hex()
    return None


def _filename_from_disposition() -> str | None:
    header = request.headers.get("Content-Disposition")
    if not header:
        return None
    _value, options = parse_options_header(header)
    return options.get("filename")


def read_upload() -> Upload:
    """The upload of the current request, streamed; the body is not parsed into memory."""
    digest = parse_repr_digest(request.headers.get("Repr-Digest"))
    if request.mimetype == "multipart/form-data":
        file = request.files.get("file")
        if file is None:
            raise Invalid("Send the file in a multipart field named 'file'.", {"file": "Required."})
        return Upload(chunks_of(file.stream), file.filename or "", None, digest)
    filename = _filename_from_disposition()
    if not filename:
        raise Invalid(
            "Name the file in a Content-Disposition header: attachment; filename*=UTF-8''<name>",
            {"filename": "Required."},
        )
    return Upload(chunks_of(request.stream), filename, request.content_length, digest)


def _parse_datetime(raw: str) -> datetime:
    value = datetime.fromisoformat(raw)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def evidence_meta(values: Mapping[str, str], filename: str) -> EvidenceMeta:
    """Metadata from query arguments or form fields; raises Invalid with field errors."""
    errors: dict[str, str] = {}
    kind = EvidenceKind.OTHER
    try:
        kind = EvidenceKind(values.get("kind") or "other")
    except ValueError:
        errors["kind"] = f"Unknown kind; use one of {', '.join(k.value for k in EvidenceKind)}."
    collected_at = None
    if values.get("collected_at"):
        try:
            collected_at = _parse_datetime(values["collected_at"])
        except ValueError:
            errors["collected_at"] = "Use an ISO 8601 date and time, such as 2026-03-01T14:30."
    translation_of = None
    if values.get("translation_of"):
        try:
            translation_of = int(values["translation_of"])
        except ValueError:
            errors["translation_of"] = "Give the id of the translated item."
    if errors:
        raise Invalid("The evidence details are not valid.", errors)
    return EvidenceMeta(
        filename=filename,
        kind=kind,
        description=values.get("description", ""),
        collected_at=collected_at,
        collected_where=values.get("collected_where", ""),
        translation_of_id=translation_of,
    )


def limits() -> Limits:
    settings = current_app.config["SETTINGS"]
    return Limits(max_bytes=settings.max_upload_bytes)
