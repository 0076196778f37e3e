"""Turning stored objects into responses: always attachments, never sniffed."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator

from flask import Response

from evidence.filenames import content_disposition
from portal.services.bundles import Export
from portal.services.evidence import Download
from portal.services.receipts import ReceiptView


def attachment(download: Download) -> Response:
    item = download.item
    response = Response(download.chunks, mimetype="application/octet-stream", direct_passthrough=True)
    response.headers["Content-Disposition"] = content_disposition(item.filename)
    response.headers["Content-Length"] = str(item.size)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def file_response(filename: str, data: bytes, mimetype: str) -> Response:
    """A small file the portal made (a template, a receipt list), as an attachment."""
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = content_disposition(filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def thumbnail_response(chunks: Iterator[bytes]) -> Response:
    response = Response(chunks, mimetype="image/jpeg")
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


def archive_response(filename: str, chunks: Iterable[bytes], size: int | None = None) -> Response:
    response = Response(chunks, mimetype="application/zip", direct_passthrough=True)
    response.headers["Content-Disposition"] = content_disposition(filename)
    if size is not None:
        response.headers["Content-Length"] = str(size)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def receipt_archive(view: ReceiptView, files: dict[str, bytes]) -> Response:
    """The receipt ZIP: a few small files, built in memory."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in files.items():
            archive.writestr(name, body)
    data = buffer.getvalue()
    return archive_response(f"receipt-{view.item.id}.zip", [data], len(data))


def bundle_response(export: Export) -> Response:
    return archive_response(export.filename, export.stream)
