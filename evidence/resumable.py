"""Resumable ingest: one file's bytes over many requests, hashed and stored as they arrive.

The caller keeps a :class:`Progress` between requests (in a database row, say)
and hands it back with the next request's bytes. Each request's bytes are
hashed once, as they come, and the three digests' running state travels in
the progress, so a request served by another process, days later, takes up
where the last one stopped. The first bytes are sniffed as soon as enough of
them have arrived, and a refused type ends the upload there.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from evidence import digest_state, sniff
from evidence.errors import EmptyFile, Overrun, RefusedType, TooLarge, Truncated
from evidence.hashes import Hasher
from evidence.ingest import Ingested, analyse_picture, described, settle
from evidence.stores import Appending, Partial, Store


@dataclass(frozen=True)
class Progress:
    """How far an upload has come: all that is needed to take it up again."""

    length: int
    offset: int
    media_type: str | None
    hasher: bytes
    """The running state of SHA-256, SHA-512 and SM3 over the first ``offset`` bytes."""
    partial: Partial

    @property
    def complete(self) -> bool:
        return self.offset == self.length


def begin(store: Store, name: str, length: int, max_bytes: int) -> Progress:
    """Room for an upload of ``length`` bytes, named ``name`` in the store."""
    if length > max_bytes:
        raise TooLarge(max_bytes)
    if length <= 0:
        raise EmptyFile()
    digest_state.check()
    hasher = Hasher.resumable()
    try:
        state = hasher.state()
    finally:
        hasher.close()
    return Progress(length, 0, None, state, store.begin_partial(name, length))


class Continuing:
    """One request's bytes, written after the upload's ``offset``; ``save`` or ``discard`` ends it."""

    def __init__(self, store: Store, progress: Progress) -> None:
        self._progress = progress
        self.media_type = progress.media_type
        # Bytes from earlier requests are read again only to sniff, while fewer than a sniff have come.
        sniffing = self.media_type is None and progress.offset > 0
        self._head = bytearray(store.read_partial(progress.partial, progress.offset) if sniffing else b"")
        self._appending: Appending = store.append_partial(progress.partial, progress.offset)
        self._hasher = Hasher.resumable(progress.hasher)
        self.received = 0

    @property
    def offset(self) -> int:
        return self._progress.offset + self.received

    def write(self, chunk: bytes) -> None:
        if self.offset + len(chunk) > self._progress.length:
            raise Overrun(self._progress.length)
        if self.media_type is None:
            self._head += chunk
            if len(self._head) >= min(sniff.SNIFF_BYTES, self._progress.length):
                self._sniff()
        self._hasher.update(chunk)
        self._appending.write(chunk)
        self.received += len(chunk)

    def _sniff(self) -> None:
        media_type = sniff.detect(bytes(self._head[: sniff.SNIFF_BYTES]))
        if not sniff.is_allowed(media_type):
            raise RefusedType(media_type)
        self.media_type, self._head = media_type, bytearray()

    def save(self) -> Progress:
        """Keep what arrived; the caller records the progress returned."""
        try:
            partial = self._appending.save(final=self.offset == self._progress.length)
            state = self._hasher.state()
        finally:
            self._hasher.close()
        return replace(self._progress, offset=self.offset, media_type=self.media_type, hasher=state, partial=partial)

    def discard(self) -> None:
        """Forget this request's bytes: the upload stays at the offset it had."""
        self._hasher.close()
        self._appending.discard()


def finish(store: Store, progress: Progress, began: datetime) -> Ingested:
    """Commit a complete upload to its content address, as a single-request upload would be.

    The upload's bytes stay in the store until :func:`drop`: if what follows
    fails, the upload can be finished again.
    """
    if not progress.complete:
        raise Truncated(progress.length, progress.offset)
    assert progress.media_type is not None  # sniffed when the first bytes came, at the latest with the last
    digests = Hasher.resumable(progress.hasher).digests()
    assembled = store.assemble_partial(progress.partial)
    picture = None
    if progress.media_type in sniff.IMAGE_TYPES:
        with tempfile.NamedTemporaryFile(suffix=".img") as scratch:
            for chunk in assembled.read():
                scratch.write(chunk)
            scratch.flush()
            picture = analyse_picture(store, digests.sha256, Path(scratch.name))
    stored, replaced = settle(store, assembled, digests.sha256, progress.length)
    return described(digests, progress.length, progress.media_type, stored, began, replaced, picture)


def drop(store: Store, progress: Progress) -> None:
    """Remove the upload's bytes from the store: once finished and recorded, or abandoned."""
    store.drop_partial(progress.partial)
