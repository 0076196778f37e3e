"""The check values recorded for every file: SHA-256 (the address), SHA-512 and SM3.

PRC practice names no algorithm, so SHA-256 is the main value and the other
two are added in the same pass. SHA-512 and SM3 are several times slower than
SHA-256, so each runs on a thread of its own (hashlib releases the GIL on
large updates): with cores to spare the upload is not slowed to their pace.
"""

from __future__ import annotations

import hashlib
import queue
import struct
import threading
from dataclasses import dataclass
from typing import Any

from evidence.digest_state import SavableDigest
from evidence.errors import EvidenceError

SECONDARY = ("sha512", "sm3")
_QUEUE_CHUNKS = 4


@dataclass(frozen=True)
class Digests:
    sha256: str
    sha512: str
    sm3: str

    def as_dict(self) -> dict[str, str]:
        return {"sha256": self.sha256, "sha512": self.sha512, "sm3": self.sm3}


class Hasher:
    """Feed chunks with ``update``; ``digests`` ends the pass (``close`` abandons it)."""

    def __init__(self, digests: list[Any] | None = None) -> None:
        self._sha256, *self._secondary = digests or [hashlib.new(name) for name in ("sha256", *SECONDARY)]
        # The queues share the chunks: memory is bounded by the slower hash's backlog.
        self._queues: list[queue.Queue[bytes | None]] = [queue.Queue(maxsize=_QUEUE_CHUNKS) for _ in SECONDARY]
        self._threads = [
            threading.Thread(target=self._run, args=(digest, chunks), name=f"evidence-{name}", daemon=True)
            for name, digest, chunks in zip(SECONDARY, self._secondary, self._queues, strict=True)
        ]
        for thread in self._threads:
            thread.start()

    @classmethod
    def resumable(cls, state: bytes | None = None) -> Hasher:
        """A hasher whose :meth:`state` can be saved, taking up from a saved ``state`` if given."""
        names = ("sha256", *SECONDARY)
        if state is None:
            return cls([SavableDigest(name) for name in names])
        try:
            sizes = struct.unpack_from(f">{len(names)}H", state)
        except struct.error:
            raise EvidenceError("Not a saved hasher state") from None
        parts, at = [], 2 * len(names)
        for size in sizes:
            parts.append(state[at : at + size])
            at += size
        return cls([SavableDigest(name, part) for name, part in zip(names, parts, strict=True)])

    def state(self) -> bytes:
        """The running state of a :meth:`resumable` hasher, once every chunk given so far is taken in."""
        for chunks in self._queues:
            chunks.join()
        parts = [digest.state() for digest in (self._sha256, *self._secondary)]
        return struct.pack(f">{len(parts)}H", *map(len, parts)) + b"".join(parts)

    @staticmethod
    def _run(digest: Any, chunks: queue.Queue[bytes | None]) -> None:
        while (chunk := chunks.get()) is not None:
            digest.update(chunk)
            chunks.task_done()
        chunks.task_done()

    def update(self, chunk: bytes) -> None:
        chunk = bytes(chunk)
        self._sha256.update(chunk)
        for chunks in self._queues:
            chunks.put(chunk)

    @property
    def sha256(self) -> str:
        return self._sha256.hexdigest()

    def digests(self) -> Digests:
        self.close()
        sha512, sm3 = (digest.hexdigest() for digest in self._secondary)
        return Digests(self._sha256.hexdigest(), sha512, sm3)

    def close(self) -> None:
        for thread, chunks in zip(self._threads, self._queues, strict=True):
            if thread.is_alive():
                chunks.put(None)
                thread.join()
