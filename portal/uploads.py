"""Reading an evidence upload from a request: raw body or multipart, plus its metadata."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC
from typing import IO

from flask import Request, current_app, request
from werkzeug.http import parse_options_header

from evidence.ingest import Ingest, Ingested, chunks_of
from evidence.stores import Store
from portal.db import get_session
from portal.models import CaseDocument, User
from portal.schemas.evidence import EvidenceFields
from portal.schemas.parse import InvalidRequest, M, parse
from portal.schemas.powers import PowerFields
from portal.schemas.proceedings import DocumentFields
from portal.services import documents, resumable_uploads
from portal.services.errors import Invalid, Malformed
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

    def details(self, model: type[M]) -> M:
        """The details, checked by ``model``. In a JSON body, as in any, a key the model does not have is
        refused by name; query arguments and form fields beside the file are checked by the operation."""
        if isinstance(self.values, dict):
            declared = {info.alias or name for name, info in model.model_fields.items()}
            stray = sorted(set(self.values) - declared)[:20]
            if stray:
                raise InvalidRequest(
                    f"Unknown fields: {', '.join(stray)}.", dict.fromkeys(stray, "Not a detail of this upload.")
                )
        return parse(model, self.values)

    def all(self, key: str) -> list[str]:
        """Every value of a repeated detail: a query's or a form's repeats, or a JSON list."""
        getlist = getattr(self.values, "getlist", None)
        if getlist is not None:
            return [str(value) for value in getlist(key)]
        given: object = self.values.get(key, [])
        return [str(value) for value in (given if isinstance(given, list) else [given])]


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
def receive_upload(store: Store, actor: User) -> Iterator[Upload]:
    """The evidence file of the current request: raw body, multipart field ``file``, or a finished
    resumable upload of the actor's named in a JSON body.

    Nothing is parsed into memory or spooled; whatever the caller does not
    ``finish`` (a refusal, an error) is aborted and leaves nothing stored.
    """
    max_bytes = current_app.config["SETTINGS"].max_upload_bytes
    digest = parse_repr_digest(request.headers.get("Repr-Digest"))
    if request.mimetype == "application/json":
        upload = _resumed(store, actor)
    elif request.mimetype == "multipart/form-data":
        upload = _multipart(store, max_bytes, digest)
    else:
        upload = _raw(store, max_bytes, digest)
    try:
        yield upload
    finally:
        upload.abort()


RESUMED_BODY_MAX = 64 * 1024  # the upload's id and its details


def _resumed(store: Store, actor: User) -> Upload:
    """A finished resumable upload, named by ``upload`` in a JSON body beside its details."""
    if (request.content_length or 0) > RESUMED_BODY_MAX:
        raise Invalid("The JSON body is too long: it names an upload and gives its details.")
    values = request.get_json(silent=True)
    if not isinstance(values, dict):
        raise Malformed('Send a JSON object: {"upload": "<id>", ...the details}.')
    upload_id = values.pop("upload", None)
    if not isinstance(upload_id, str):
        raise Invalid("Name the finished upload: its id from the resumable upload's URL.", {"upload": "Required."})
    taken = resumable_uploads.take(get_session(), store, actor, upload_id)
    return Upload(taken.filename, values, taken.receive, taken.close)


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


def evidence_meta(upload: Upload) -> EvidenceMeta:
    """An evidence item's details; raises Invalid naming each field."""
    details = upload.details(EvidenceFields)
    collected_at = details.collected_at
    if collected_at is not None:
        collected_at = collected_at.replace(tzinfo=UTC) if collected_at.tzinfo is None else collected_at.astimezone(UTC)
    return EvidenceMeta(
        filename=upload.filename,
        kind=details.kind,
        description=details.description,
        collected_at=collected_at,
        collected_where=details.collected_where,
        translation_of_id=details.translation_of,
    )


def power_grant(upload: Upload) -> Grant:
    """A power of attorney's details, from its document's upload."""
    details = upload.details(PowerFields)
    return Grant(
        agent_org_id=details.agent_org_id,
        scopes=[s.value for s in details.scopes],
        valid_from=details.valid_from,
        valid_until=details.valid_until,
        notarised_by=details.notarised_by,
        notarised_on=details.notarised_on,
        legalisation=details.legalisation,
    )


def case_document(store: Store, actor: User, case_id: int, upload: Upload) -> CaseDocument:
    """A case document from its upload, shared at once with the participants its details name."""
    fields = upload.details(DocumentFields)
    return documents.add_document(
        get_session(), store, actor, case_id, fields.kind, fields.title, fields.org_ids, upload.filename, upload.finish
    )
