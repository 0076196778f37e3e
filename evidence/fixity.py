"""Fixity: whether a stored object still holds the bytes it was received with.

Every read of an original that leaves the portal goes through :func:`verified`,
which hashes the bytes as they pass and keeps the last chunk back until the
digest is known: a damaged object never arrives whole, so a download or a
bundle built from it is visibly incomplete rather than silently wrong.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from evidence.errors import Damaged, DigestMismatch, ObjectMissing
from evidence.stores import Store


@dataclass(frozen=True)
class Damage:
    """What the store holds where an object should be: other bytes, or nothing."""

    found_sha256: str | None = None
    found_size: int | None = None

    @property
    def outcome(self) -> str:
        return "missing" if self.found_sha256 is None else "mismatch"


def check(store: Store, key: str, sha256: str, size: int) -> Damage | None:
    """Re-read the object at ``key``: None if it has this SHA-256 and size, else what was found."""
    try:
        found_sha256, found_size = rehash(store, key)
    except ObjectMissing:
        return Damage()
    if (found_sha256, found_size) == (sha256, size):
        return None
    return Damage(found_sha256, found_size)


def rehash(store: Store, key: str) -> tuple[str, int]:
    """Re-read a stored object and return its SHA-256 (hex) and size."""
    digest = hashlib.sha256()
    size = 0
    for chunk in store.read(key):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def verified(
    chunks: Iterable[bytes], key: str, sha256: str, size: int, on_damage: Callable[[Damage], None]
) -> Iterator[bytes]:
    """The chunks of the object at ``key``, checked against its SHA-256 and size as they pass.

    On a mismatch, ``on_damage`` is told what was found and :class:`Damaged`
    is raised before the last chunk (or the first byte too many) is yielded.
    """
    digest = hashlib.sha256()
    seen = 0
    held: bytes | None = None
    stream = iter(chunks)
    for chunk in stream:
        digest.update(chunk)
        seen += len(chunk)
        if seen > size:
            break  # longer than received: nothing more is passed on, the rest is only measured
        if held is not None:
            yield held
        held = chunk
    for chunk in stream:
        digest.update(chunk)
        seen += len(chunk)
    if (digest.hexdigest(), seen) != (sha256, size):
        on_damage(Damage(digest.hexdigest(), seen))
        raise Damaged(key)
    if held is not None:
        yield held


def restore(store: Store, sha256: str, chunks: Iterable[bytes]) -> None:
    """Put a copy of the object over whatever its address holds, if the copy has this SHA-256.

    The digest is checked as the copy is written; a copy that does not match replaces nothing.
    """
    digest = hashlib.sha256()
    staging = store.stage(sha256)
    try:
        for chunk in chunks:
            digest.update(chunk)
            staging.write(chunk)
        if digest.hexdigest() != sha256:
            raise DigestMismatch(sha256, digest.hexdigest())
    except BaseException:
        staging.abort()
        raise
    staging.replace(sha256)
