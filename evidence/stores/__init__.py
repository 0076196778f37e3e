"""Content-addressed, immutable object stores behind one interface.

Bytes are first written to a staging area while they are hashed; only when
the whole stream has arrived and passed its checks does ``commit`` move them
under the key derived from their SHA-256. Staged bytes are never evidence.
When the address is taken already, the caller checks the object there and,
if it is damaged, ``replace`` puts the fresh bytes over it atomically.
"""

from __future__ import annotations

import queue
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from evidence.errors import EvidenceError

_KEY_RE = re.compile(
    r"^(objects/[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{64}|derived/[0-9a-f]{64}/[a-z0-9-]{1,40}\.(jpg|png|webp))$"
)


def object_key(sha256_hex: str) -> str:
    """The store key of the evidence object with this SHA-256 (lower-case hex)."""
    return f"objects/{sha256_hex[:2]}/{sha256_hex[2:4]}/{sha256_hex}"


def derived_key(sha256_hex: str, name: str) -> str:
    """The key of a file derived from an evidence object (a thumbnail, a preview)."""
    return f"derived/{sha256_hex}/{name}"


def check_key(key: str) -> str:
    if not _KEY_RE.fullmatch(key):
        raise EvidenceError(f"Not a valid store key: {key!r}")
    return key


@dataclass(frozen=True)
class Retention:
    """S3 Object Lock on evidence objects: GOVERNANCE or COMPLIANCE mode, for ``days`` from writing."""

    mode: str
    days: int

    def __post_init__(self) -> None:
        if self.mode not in {"GOVERNANCE", "COMPLIANCE"}:
            raise ValueError(f"Object Lock mode must be GOVERNANCE or COMPLIANCE, not {self.mode!r}")
        if self.days < 1:
            raise ValueError("Object Lock retention must be at least one day")

    def args(self) -> dict[str, Any]:
        """Request arguments for an object written now; S3 wants a checksum with any locked write."""
        return {
            "ObjectLockMode": self.mode,
            "ObjectLockRetainUntilDate": datetime.now(UTC) + timedelta(days=self.days),
            "ChecksumAlgorithm": "SHA256",
        }


class Stored(StrEnum):
    """What became of an upload's bytes at their content address."""

    CREATED = "created"
    KEPT = "kept"  # the address held the same bytes already, checked
    REPAIRED = "repaired"  # the address held damaged bytes (or none); the fresh ones replaced them


# Top-level areas of a store: originals, files derived from them, and uploads on their way.
AREAS = ("objects", "derived", "staging")


def check_leftover(key: str) -> str:
    """A key the sweeper may remove: inside one of :data:`AREAS`, with no way out of it."""
    area, _, rest = key.partition("/")
    if area not in AREAS or not rest or ".." in key.split("/") or "\\" in key:
        raise ValueError(f"key escapes the store's areas: {key!r}")
    return key


@dataclass(frozen=True)
class Listed:
    """An object (or, with ``upload_id``, an unfinished multipart upload) found in a store."""

    key: str
    modified: datetime
    size: int = 0
    upload_id: str | None = None


class Staging(Protocol):
    def write(self, chunk: bytes) -> None: ...

    def commit(self, sha256_hex: str) -> bool:
        """Put the staged bytes at their content address unless something is there already.

        True if they were stored; False leaves them staged for :meth:`replace` or :meth:`abort`.
        """
        ...

    def replace(self, sha256_hex: str) -> None:
        """Put the staged bytes at their content address over whatever is there, atomically."""
        ...

    def abort(self) -> None: ...


_PARTIAL_NAME = re.compile(r"[A-Za-z0-9_-]{16,64}")


def partial_key(name: str) -> str:
    """The staging key of a resumable upload's bytes; ``name`` is the upload's id."""
    if not _PARTIAL_NAME.fullmatch(name):
        raise EvidenceError(f"Not a valid upload name: {name!r}")
    return f"staging/resumable-{name}"


def partial_name(key: str) -> str | None:
    """The upload a staged key belongs to, if it is a resumable upload's (its bytes or its tail)."""
    match = re.fullmatch(r"staging/resumable-([A-Za-z0-9_-]{16,64})(?:\.tail)?", key)
    return match.group(1) if match else None


@dataclass
class Partial:
    """Where a resumable upload's bytes are, between the requests that bring them.

    The caller keeps it (``as_dict``) with the upload's offset: a store never
    decides how far an upload has come, so bytes written by a request whose
    end was not recorded are simply written again by the next.
    """

    key: str
    part_size: int = 0
    """S3: every part but the last is this long, so part n holds bytes [(n-1)*size, n*size)."""
    multipart: str | None = None
    parts: list[tuple[int, str]] = field(default_factory=list)
    """S3: the full parts sent, as (number, ETag)."""

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "part_size": self.part_size, "multipart": self.multipart, "parts": self.parts}

    @classmethod
    def of(cls, kept: dict[str, Any]) -> Partial:
        parts = [(int(number), str(etag)) for number, etag in kept.get("parts", [])]
        return cls(kept["key"], int(kept.get("part_size", 0)), kept.get("multipart"), parts)


class Appending(Protocol):
    """One request's bytes, written after what the upload has so far."""

    def write(self, chunk: bytes) -> None: ...

    def save(self, final: bool) -> Partial:
        """Keep what was written (``final``: it ends the upload); the caller then records the new offset."""
        ...

    def discard(self) -> None:
        """Forget what this request wrote: the upload stays where it was."""
        ...


class Assembled(Staging, Protocol):
    """A finished resumable upload, whole in staging, to be committed like any staged upload."""

    def read(self) -> Iterator[bytes]: ...


class Store(Protocol):
    def stage(self, expected_sha256: str | None = None) -> Staging:
        """Somewhere to write a new object; ``expected_sha256`` (the client's declared
        digest) lets a store write straight to the final address, committed only if the
        bytes turn out to have that digest."""
        ...

    def exists(self, key: str) -> bool: ...

    def size(self, key: str) -> int: ...

    def read(self, key: str, chunk_size: int = 1024 * 1024) -> Iterator[bytes]:
        """The object's bytes; raises ObjectMissing at once, not while iterating."""
        ...

    def put_derived(self, key: str, data: bytes, media_type: str) -> None: ...

    def delete(self, key: str) -> None:
        """Remove an object; used only to undo a store whose database row failed."""
        ...

    def listing(self, area: str) -> Iterator[Listed]:
        """Everything under one of :data:`AREAS`, malformed leftovers included, in no set order."""
        ...

    def unfinished_uploads(self) -> Iterator[Listed]:
        """Multipart uploads begun and never completed or aborted (S3); none for a directory."""
        ...

    def remove(self, found: Listed) -> None:
        """Remove a listed leftover for good; raises ObjectLocked where the store retains it."""
        ...

    def retention_report(self) -> list[str]:
        """Lines saying whether the store itself keeps evidence from being deleted or changed."""
        ...

    def begin_partial(self, name: str, length: int) -> Partial:
        """Room for a resumable upload of ``length`` bytes."""
        ...

    def append_partial(self, partial: Partial, offset: int) -> Appending:
        """Write on from ``offset``, the upload's recorded length so far."""
        ...

    def read_partial(self, partial: Partial, size: int) -> bytes:
        """The first ``size`` bytes of an upload that has fewer bytes so far than a part."""
        ...

    def assemble_partial(self, partial: Partial) -> Assembled:
        """The whole upload, once its last bytes are saved."""
        ...

    def drop_partial(self, partial: Partial) -> None:
        """Remove whatever of the upload the store holds."""
        ...


def open_store(location: str, retention: Retention | None = None, **s3_options: str | None) -> Store:
    """A store for a directory path or an ``s3://bucket/prefix`` URL."""
    if location.startswith("s3://"):
        from evidence.stores.s3 import S3Store

        bucket, _, prefix = location[len("s3://") :].partition("/")
        return S3Store(bucket=bucket, prefix=prefix, retention=retention, **s3_options)
    if retention is not None:
        raise ValueError("Object Lock retention needs an S3 store")
    from evidence.stores.directory import DirectoryStore

    return DirectoryStore(location)


def read_ahead(open_: Callable[[], Iterator[bytes]], depth: int = 8) -> Iterator[bytes]:
    """The chunks of ``open_()``, read by a thread up to ``depth`` chunks ahead of the consumer.

    Streaming an object onwards (into a bundle, over HTTP) then overlaps the
    store's latency with the sending instead of adding to it.
    """
    chunks: queue.Queue[bytes | BaseException | None] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def offer(item: bytes | BaseException | None) -> bool:
        """Queue ``item`` unless the consumer has gone; False once it has."""
        while not stop.is_set():
            try:
                chunks.put(item, timeout=0.5)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for chunk in open_():
                if not offer(chunk):
                    return
            offer(None)
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, which raises it
            offer(exc)

    worker = threading.Thread(target=produce, name="store-read-ahead", daemon=True)
    worker.start()
    try:
        while (item := chunks.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        worker.join()
