"""Streamed ingest: one pass over the bytes hashes, sizes, sniffs and stores them."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from evidence import fixity, images, sniff
from evidence.errors import DigestMismatch, EmptyFile, EvidenceError, RefusedType, TooLarge, Truncated
from evidence.fixity import Damage
from evidence.hashes import Digests, Hasher
from evidence.stores import Staging, Store, Stored, derived_key, object_key

CHUNK_SIZE = 1024 * 1024
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Ingested:
    digests: Digests
    size: int
    media_type: str
    key: str
    stored: Stored
    began: datetime
    """When the upload began: rows using this object from before then expected it to be there."""
    replaced: Damage | None = None
    """What the address held before a repair: other bytes, or nothing."""
    width: int | None = None
    height: int | None = None
    phash: str | None = None
    dhash: str | None = None
    thumbnail_key: str | None = None

    @property
    def sha256(self) -> str:
        return self.digests.sha256

    @property
    def created(self) -> bool:
        """True when nothing stood at the address before: undoing the upload removes the object."""
        return self.stored is Stored.CREATED


@dataclass(frozen=True)
class Picture:
    """What decoding an image gave: its facts, and the key of the thumbnail stored from it."""

    facts: images.ImageFacts
    thumbnail_key: str


def analyse_picture(store: Store, sha256: str, path: Path) -> Picture:
    """Decode an uploaded image (raises if it cannot be) and store its thumbnail."""
    facts = images.analyse(path)
    thumbnail = derived_key(sha256, "thumb-320.jpg")
    store.put_derived(thumbnail, facts.thumbnail_jpeg, "image/jpeg")
    return Picture(facts, thumbnail)


def settle(store: Store, staging: Staging, sha256: str, size: int) -> tuple[Stored, Damage | None]:
    """Give staged bytes their address. Where it is taken, the object there is re-read: the
    fresh bytes are dropped only if it is intact, and replace it otherwise."""
    if staging.commit(sha256):
        return Stored.CREATED, None
    damage = fixity.check(store, object_key(sha256), sha256, size)
    if damage is None:
        staging.abort()
        return Stored.KEPT, None
    staging.replace(sha256)
    return Stored.REPAIRED, damage


def described(
    digests: Digests,
    size: int,
    media_type: str,
    stored: Stored,
    began: datetime,
    replaced: Damage | None,
    picture: Picture | None,
) -> Ingested:
    if picture is None:
        return Ingested(digests, size, media_type, object_key(digests.sha256), stored, began, replaced)
    return Ingested(
        digests,
        size,
        media_type,
        object_key(digests.sha256),
        stored,
        began,
        replaced,
        width=picture.facts.width,
        height=picture.facts.height,
        phash=picture.facts.phash,
        dhash=picture.facts.dhash,
        thumbnail_key=picture.thumbnail_key,
    )


def chunks_of(stream: IO[bytes], chunk_size: int = CHUNK_SIZE) -> Iterable[bytes]:
    while chunk := stream.read(chunk_size):
        yield chunk


class Ingest:
    """Push-style ingest: ``write`` the bytes as they arrive, then ``finish``.

    The first megabyte is held back until its type is known; after that every
    chunk is hashed and passed to the store (and, for images, to a scratch
    file for decoding) as it comes, so nothing is read twice and memory stays
    bounded. Any failure, here or in the caller (``abort``), leaves nothing in
    the store. ``write`` and ``seek`` make it usable as the file a multipart
    form parser writes into.
    """

    def __init__(
        self,
        store: Store,
        *,
        max_bytes: int,
        expected_size: int | None = None,
        expected_sha256: str | None = None,
    ) -> None:
        if expected_size is not None and expected_size > max_bytes:
            raise TooLarge(max_bytes)
        if expected_sha256 is not None:
            expected_sha256 = expected_sha256.lower()
            if not _SHA256_HEX.fullmatch(expected_sha256):
                raise EvidenceError("The declared SHA-256 must be 64 hexadecimal digits.")
        self._store = store
        self._max_bytes = max_bytes
        self._expected_size = expected_size
        self._expected_sha256 = expected_sha256
        self._head = bytearray()
        self._hasher = Hasher()
        self._staging: Staging | None = None
        self._scratch: IO[bytes] | None = None
        self._ended = False
        self.size = 0
        self._began = datetime.now(UTC)
        self.media_type: str | None = None

    def write(self, chunk: bytes) -> int:
        try:
            self.size += len(chunk)
            if self.size > self._max_bytes:
                raise TooLarge(self._max_bytes)
            if self._staging is not None:
                self._consume(chunk)
            else:
                self._head += chunk
                if len(self._head) >= sniff.SNIFF_BYTES:
                    self._start()
        except BaseException:
            self.abort()
            raise
        return len(chunk)

    def seek(self, offset: int, whence: int = 0) -> int:
        return 0  # a form parser rewinds its file before handing it over; nothing to rewind

    def _start(self) -> None:
        head, self._head = bytes(self._head), bytearray()
        if not head:
            raise EmptyFile()
        self.media_type = sniff.detect(head[: sniff.SNIFF_BYTES])
        if not sniff.is_allowed(self.media_type):
            raise RefusedType(self.media_type)
        self._staging = self._store.stage(self._expected_sha256)
        if self.media_type in sniff.IMAGE_TYPES:
            # Images are copied to a scratch file in the same pass, to be decoded
            # for hashes and a thumbnail without reading the upload a second time.
            self._scratch = tempfile.NamedTemporaryFile(suffix=".img")
        self._consume(head)

    def _consume(self, chunk: bytes) -> None:
        assert self._staging is not None
        self._hasher.update(chunk)
        self._staging.write(chunk)
        if self._scratch is not None:
            self._scratch.write(chunk)

    def finish(self) -> Ingested:
        """Check the whole stream and commit it to its content address."""
        try:
            if self._staging is None:
                self._start()
            assert self._staging is not None and self.media_type is not None
            if self._expected_size is not None and self.size != self._expected_size:
                raise Truncated(self._expected_size, self.size)
            sha256 = self._hasher.sha256
            if self._expected_sha256 is not None and self._expected_sha256 != sha256:
                raise DigestMismatch(self._expected_sha256, sha256)
            picture = None
            if self._scratch is not None:
                self._scratch.flush()
                picture = analyse_picture(self._store, sha256, Path(self._scratch.name))
            stored, replaced = settle(self._store, self._staging, sha256, self.size)
            digests = self._hasher.digests()
        except BaseException:
            self.abort()
            raise
        self._end()
        return described(digests, self.size, self.media_type, stored, self._began, replaced, picture)

    def abort(self) -> None:
        """Give up: nothing staged is kept. Harmless after ``finish``."""
        if not self._ended and self._staging is not None:
            self._staging.abort()
        self._end()

    def _end(self) -> None:
        self._ended = True
        self._hasher.close()
        if self._scratch is not None:
            self._scratch.close()


def ingest(
    chunks: Iterable[bytes],
    store: Store,
    *,
    max_bytes: int,
    expected_size: int | None = None,
    expected_sha256: str | None = None,
) -> Ingested:
    """Store a stream as a content-addressed object and describe it.

    Raises an :class:`~evidence.errors.EvidenceError` (and leaves nothing in the store)
    when the stream is empty, too large, of a refused type, shorter than
    announced, not the declared digest, or an undecodable image; an error
    from ``chunks`` itself (a client gone) leaves nothing either.
    """
    sink = Ingest(
        store,
        max_bytes=max_bytes,
        expected_size=expected_size,
        expected_sha256=expected_sha256,
    )
    try:
        for chunk in chunks:
            sink.write(chunk)
    except BaseException:
        sink.abort()
        raise
    return sink.finish()
