"""Inclusion proofs as C2SP tlog-proof files (c2sp.org/tlog-proof).

A header line, an optional ``extra`` line, ``index N``, the proof hashes in
base64 one per line, an empty line, then the signed checkpoint verbatim: a
detached, offline-checkable statement that an entry is in the log.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from evidence.merkle import HASH_SIZE

HEADER = "c2sp.org/tlog-proof@v1"
_INDEX = re.compile(r"index (0|[1-9][0-9]*)")


class ProofFormatError(ValueError):
    pass


@dataclass(frozen=True)
class TlogProof:
    index: int
    hashes: tuple[bytes, ...]
    checkpoint: str
    extra: bytes | None = None

    def format(self) -> str:
        lines = [HEADER]
        if self.extra is not None:
            lines.append("extra " + base64.b64encode(self.extra).decode())
        lines.append(f"index {self.index}")
        lines.extend(base64.b64encode(h).decode() for h in self.hashes)
        return "\n".join(lines) + "\n\n" + self.checkpoint

    @classmethod
    def parse(cls, text: str) -> TlogProof:
        head, sep, checkpoint = text.partition("\n\n")
        if not sep or not checkpoint:
            raise ProofFormatError("the proof has no checkpoint after an empty line")
        lines = head.split("\n")
        if lines[0] != HEADER:
            raise ProofFormatError(f"the proof does not start with {HEADER!r}")
        rest = lines[1:]
        extra = None
        try:
            if rest and rest[0].startswith("extra "):
                extra = base64.b64decode(rest.pop(0)[6:], validate=True)
            match = _INDEX.fullmatch(rest.pop(0)) if rest else None
            if match is None:
                raise ProofFormatError("the proof has no 'index N' line")
            hashes = tuple(base64.b64decode(line, validate=True) for line in rest)
        except binascii.Error:
            raise ProofFormatError("a proof line is not base64") from None
        if any(len(h) != HASH_SIZE for h in hashes):
            raise ProofFormatError("a proof hash is not 32 bytes")
        return cls(int(match.group(1)), hashes, checkpoint, extra)
