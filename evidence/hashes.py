"""The check values recorded for every file: SHA-256 (the address), SHA-512 and SM3.

PRC practice names no algorithm, so SHA-256 is the main value and the other
two are added in the same pass. SHA-512 and SM3 are several times slower than
SHA-256, so each runs on a thread of its own (hashlib releases the GIL on
large updates): with cores to spare the upload is not slowed to their pace.
"""

from __future__ import annotations

import hashlib
import queue
import threading
from dataclasses import dataclass
from typing import Any

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

    def __init__(self) -> None:
        self._sha256 = hashlib.sha256()
        self._secondary = [hashlib.new(name) for name in SECONDARY]
        # The queues share the chunks: memory is bounded by the slower hash's backlog.
        self._queues: list[queue.Queue[bytes | None]] = [queue.Queue(maxsize=_QUEUE_CHUNKS) for _ in SECONDARY]
        self._threads = [
            threading.Thread(target=self._run, args=(digest, chunks), name=f"evidence-{name}", daemon=True)
            for name, digest, chunks in zip(SECONDARY, self._secondary, self._queues, strict=True)
        ]
        for thread in self._threads:
            thread.start()

    @staticmethod
    def _run(digest: Any, chunks: queue.Queue[bytes | None]) -> None:
        while (chunk := chunks.get()) is not None:
            digest.update(chunk)

    def update(self, chunk: bytes) -> None:
        self._sha256.update(chunk)
        chunk = bytes(chunk)
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
