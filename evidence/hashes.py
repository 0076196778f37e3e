"""The check values recorded for every file: SHA-256 (the address), SHA-512 and SM3.

PRC practice names no algorithm, so SHA-256 is the main value and the other
two are added in the same pass. SHA-512 and SM3 are several times slower than
SHA-256, so they run on a thread of their own (hashlib releases the GIL on
large updates) and the upload is not slowed to their pace.
"""

from __future__ import annotations

import hashlib
import queue
import threading
from dataclasses import dataclass

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
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=_QUEUE_CHUNKS)
        self._thread = threading.Thread(target=self._run, name="evidence-hasher", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (chunk := self._queue.get()) is not None:
            for digest in self._secondary:
                digest.update(chunk)

    def update(self, chunk: bytes) -> None:
        self._sha256.update(chunk)
        self._queue.put(bytes(chunk))

    @property
    def sha256(self) -> str:
        return self._sha256.hexdigest()

    def digests(self) -> Digests:
        self.close()
        sha512, sm3 = (digest.hexdigest() for digest in self._secondary)
        return Digests(self._sha256.hexdigest(), sha512, sm3)

    def close(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
