"""Reading an evidence upload from a request: raw body or multipart, plus its metadata."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import IO

from flask import Request, current_app, request
from werkzeug.datastructures import MultiDict
from werkzeug.http import parse_options_header

from evidence.ingest import Ingest, Ingested, chunks_of
from evidence.stores import Store
from portal.models import EvidenceKind
from portal.services.errors import Invalid
from portal.services.evidence import EvidenceMeta
from portal.services.powers import Grant


class PortalRequest(Request):
    """Flask's request, whose multipart file parts can stream into evidence ingest.

    Werkzeug spools a file part to a temporary file before the view sees it;
    an upload view sets ``file_sink`` so that the parser writes the part into
    an :class:`~evidence.ingest.Ingest` instead, hashing and storing it as it
    is parsed.
    """

    file_sink: Callable[[str | None], IO[bytes]] | None = None

    def _get_file_stream(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> IO[bytes]:
        if self.file_sink is not None:
            return self.file_sink(filename)
        return super()._get_file_stream(total_content_length, content_type, filename, content_length)


@dataclass(frozen=True)
class Upload:
    filename: str
    values: Mapping[str, str]
    """The evidence details: query arguments, or the form's other fields."""
    finish: Callable[[], Ingested]
    """Receive the rest (if any) and commit the file to its content address."""
    abort: Callable[[], None]


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


@contextmanager
def receive_upload(store: Store) -> Iterator[Upload]:
    """The evidence file of the current request, raw body or multipart field ``file``.

    Nothing is parsed into memory or spooled; whatever the caller does not
    ``finish`` (a refusal, an error) is aborted and leaves nothing stored.
    """
    max_bytes = current_app.config["SETTINGS"].max_upload_bytes
    digest = parse_repr_digest(request.headers.get("Repr-Digest"))
    upload = (
        _multipart(store, max_bytes, digest)
        if request.mimetype == "multipart/form-data"
        else (_raw(store, max_bytes, digest))
    )
    try:
        yield upload
    finally:
        upload.abort()


def _raw(store: Store, max_bytes: int, digest: str | None) -> Upload:
    filename = _filename_from_disposition()
    if not filename:
        raise Invalid(
            "Name the file in a Content-Disposition header: attachment; filename*=UTF-8''<name>",
            {"filename": "Required."},
        )
    sink = Ingest(store, max_bytes=max_bytes, expected_size=request.content_length, expected_sha256=digest)

    def finish() -> Ingested:
        for chunk in chunks_of(request.stream):
            sink.write(chunk)
        return sink.finish()

    return Upload(filename, request.args, finish, sink.abort)


def _multipart(store: Store, max_bytes: int, digest: str | None) -> Upload:
    opened: list[tuple[Ingest, str]] = []

    def open_sink(filename: str | None) -> IO[bytes]:
        if opened:
            raise Invalid("Send one file per request.", {"file": "Only one file."})
        sink = Ingest(store, max_bytes=max_bytes, expected_sha256=digest)
        opened.append((sink, filename or ""))
        return sink  # type: ignore[return-value]

    assert isinstance(request, PortalRequest)
    request.file_sink = open_sink
    try:
        has_file = "file" in request.files
    except BaseException:
        for sink, _name in opened:
            sink.abort()
        raise
    finally:
        request.file_sink = None
    if not has_file:
        for sink, _name in opened:
            sink.abort()
        raise Invalid("Send the file in a multipart field named 'file'.", {"file": "Required."})
    sink, filename = opened[0]
    return Upload(filename, request.form, sink.finish, sink.abort)


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


def power_grant(values: Mapping[str, str]) -> Grant:
    """A power of attorney's details from the query arguments of its document's upload."""
    errors: dict[str, str] = {}

    def day(name: str) -> date | None:
        raw = values.get(name, "")
        if not raw:
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            errors[name] = "Use a date such as 2026-03-01."
            return None

    raw_agent = values.get("agent_org_id", "")
    if raw_agent and not raw_agent.isdigit():
        errors["agent_org_id"] = "Give the agent organisation's id."
    scopes = values.getlist("scopes") if isinstance(values, MultiDict) else [values.get("scopes", "")]
    grant = Grant(
        agent_org_id=int(raw_agent) if raw_agent.isdigit() else None,
        scopes=[s for s in scopes if s],
        valid_from=day("valid_from"),
        valid_until=day("valid_until"),
        notarised_by=values.get("notarised_by", ""),
        notarised_on=day("notarised_on"),
        legalisation=values.get("legalisation", ""),
    )
    if errors:
        raise Invalid("The power of attorney's details are not valid.", errors)
    return grant
