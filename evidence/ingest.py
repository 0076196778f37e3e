"""Streamed ingest: one pass over the bytes hashes, sizes, sniffs and stores them."""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from evidence import images, sniff
from evidence.errors import DigestMismatch, EmptyFile, EvidenceError, RefusedType, TooLarge, Truncated
from evidence.stores import Store, derived_key, object_key

CHUNK_SIZE = 1024 * 1024
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Ingested:
    sha256: str
    size: int
    media_type: str
    key: str
    created: bool
    """False when the store already held these bytes (they are kept once)."""
    width: int | None = None
    height: int | None = None
    phash: str | None = None
    dhash: str | None = None
    thumbnail_key: str | None = None


def chunks_of(stream: IO[bytes], chunk_size: int = CHUNK_SIZE) -> Iterable[bytes]:
    while chunk := stream.read(chunk_size):
        yield chunk


def ingest(
    chunks: Iterable[bytes],
    store: Store,
    *,
    max_bytes: int,
    expected_size: int | None = None,
    expected_sha256: str | None = None,
    scratch_dir: str | None = None,
) -> Ingested:
    """Store a stream as a content-addressed object and describe it.

    Raises an :class:`~evidence.errors.EvidenceError` (and leaves nothing in
    the store) when the stream is empty, too large, of a refused type, shorter
    than announced, not the declared digest, or an undecodable image.
    """
    if expected_size is not None and expected_size > max_bytes:
        raise TooLarge(max_bytes)
    if expected_sha256 is not None:
        expected_sha256 = expected_sha256.lower()
        if not _SHA256_HEX.fullmatch(expected_sha256):
            raise EvidenceError("The declared SHA-256 must be 64 hexadecimal digits.")
    iterator = iter(chunks)
    head = bytearray()
    for chunk in iterator:
        head += chunk
        if len(head) >= sniff.SNIFF_BYTES:
            break
    if not head:
        raise EmptyFile()
    media_type = sniff.detect(bytes(head[: sniff.SNIFF_BYTES]))
    if not sniff.is_allowed(media_type):
        raise RefusedType(media_type)

    is_image = media_type in sniff.IMAGE_TYPES
    digest = hashlib.sha256()
    size = 0
    staging = store.stage(expected_sha256)
    # Images are also copied to a scratch file in the same pass, to be decoded
    # for hashes and a thumbnail without reading the upload a second time.
    scratch = tempfile.NamedTemporaryFile(dir=scratch_dir, suffix=".img") if is_image else None
    try:
        for chunk in _prepend(bytes(head), iterator):
            size += len(chunk)
            if size > max_bytes:
                raise TooLarge(max_bytes)
            digest.update(chunk)
            staging.write(chunk)
            if scratch is not None:
                scratch.write(chunk)
        if expected_size is not None and size != expected_size:
            raise Truncated(expected_size, size)
        sha256 = digest.hexdigest()
        if expected_sha256 is not None and expected_sha256 != sha256:
            raise DigestMismatch(expected_sha256, sha256)
        facts = thumb = None
        if scratch is not None:
            scratch.flush()
            facts = images.analyse(Path(scratch.name))
            thumb = derived_key(sha256, "thumb-320.jpg")
            store.put_derived(thumb, facts.thumbnail_jpeg, "image/jpeg")
        created = staging.commit(sha256)
    except BaseException:
        staging.abort()
        raise
    finally:
        if scratch is not None:
            scratch.close()

    if facts is None:
        return Ingested(sha256, size, media_type, object_key(sha256), created)
    return Ingested(
        sha256,
        size,
        media_type,
        object_key(sha256),
        created,
        width=facts.width,
        height=facts.height,
        phash=facts.phash,
        dhash=facts.dhash,
        thumbnail_key=thumb,
    )


def _prepend(first: bytes, rest: Iterable[bytes]) -> Iterable[bytes]:
    yield first
    yield from rest


def rehash(store: Store, key: str) -> tuple[str, int]:
    """Re-read a stored object and return its SHA-256 (hex) and size."""
    digest = hashlib.sha256()
    size = 0
    for chunk in store.read(key):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size
