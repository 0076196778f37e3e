"""Transparency-log checkpoints (c2sp.org/tlog-checkpoint), carried in signed notes.

The body is the log's origin line, the tree size in decimal, the base64 root
hash, then optional extension lines; each line ends in a newline.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from evidence.merkle import HASH_SIZE
from evidence.signed_note import NoteError, Signer, Verifier, open_note, sign

_SIZE = re.compile(r"0|[1-9][0-9]*")


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def body(self) -> str:
        lines = [self.origin, str(self.size), base64.b64encode(self.root_hash).decode(), *self.extensions]
        return "".join(line + "\n" for line in lines)

    def signed(self, *signers: Signer) -> str:
        return sign(self.body(), *signers)

    @classmethod
    def parse(cls, body: str) -> Checkpoint:
        lines = body.split("\n")
        if len(lines) < 4 or lines[-1] != "":
            raise NoteError("a checkpoint has an origin, a size and a root hash, each on its own line")
        origin, size, root, *extensions = lines[:-1]
        if not origin:
            raise NoteError("the checkpoint has no origin")
        if not _SIZE.fullmatch(size):
            raise NoteError(f"the checkpoint size is not a decimal number: {size!r}")
        try:
            root_hash = base64.b64decode(root, validate=True)
        except binascii.Error:
            raise NoteError("the checkpoint root hash is not base64") from None
        if len(root_hash) != HASH_SIZE:
            raise NoteError("the checkpoint root hash is not 32 bytes")
        if any(not line for line in extensions):
            raise NoteError("checkpoint extension lines must not be empty")
        return cls(origin, int(size), root_hash, tuple(extensions))


def open_checkpoint(note: str, origin: str, trusted: list[Verifier]) -> Checkpoint:
    """Verify a signed checkpoint and check that it is from the expected log."""
    text, _signers = open_note(note, trusted)
    checkpoint = Checkpoint.parse(text)
    if checkpoint.origin != origin:
        raise NoteError(f"the checkpoint is for log {checkpoint.origin!r}, not {origin!r}")
    return checkpoint
