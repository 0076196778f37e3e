"""C2SP signed notes (c2sp.org/signed-note) with Ed25519 keys.

A note is UTF-8 text ending in a newline, a blank line, and signature lines
``— <key name> base64(key ID || signature)``. Verifier keys are written
``<name>+<key ID hex>+base64(0x01 || public key)``, the form that Go's
``golang.org/x/mod/sumdb/note`` and the transparency-log tools read.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ED25519 = b"\x01"
SIGNATURE_PREFIX = "\u2014 "  # em dash, space
MAX_SIGNATURES = 16


class NoteError(ValueError):
    """A note is malformed or carries no valid signature from a trusted key."""


def _check_name(name: str) -> None:
    if not name or any(ch.isspace() or ch == "+" for ch in name):
        raise NoteError(f"a key name must be non-empty, without spaces or '+': {name!r}")


def key_id(name: str, public_key: bytes) -> bytes:
    """The 4-byte key ID: SHA-256(name || 0x0A || 0x01 || public key)[:4]."""
    return hashlib.sha256(name.encode() + b"\n" + ED25519 + public_key).digest()[:4]


def _raw(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)


@dataclass(frozen=True)
class Verifier:
    name: str
    public_key: Ed25519PublicKey

    @property
    def key_id(self) -> bytes:
        return key_id(self.name, _raw(self.public_key))

    def encode(self) -> str:
        """``name+hexid+base64(0x01 || key)``: the form to publish and to configure as trusted."""
        raw = ED25519 + _raw(self.public_key)
        return f"{self.name}+{self.key_id.hex()}+{base64.b64encode(raw).decode()}"

    @classmethod
    def decode(cls, text: str) -> Verifier:
        name, _, rest = text.strip().partition("+")
        hex_id, _, encoded = rest.partition("+")
        _check_name(name)
        try:
            raw = base64.b64decode(encoded, validate=True)
            wanted_id = bytes.fromhex(hex_id)
        except (binascii.Error, ValueError):
            raise NoteError(f"not a verifier key: {text!r}") from None
        if len(wanted_id) != 4 or len(raw) != 33 or raw[:1] != ED25519:
            raise NoteError(f"not an Ed25519 verifier key: {text!r}")
        verifier = cls(name, Ed25519PublicKey.from_public_bytes(raw[1:]))
        if verifier.key_id != wanted_id:
            raise NoteError(f"the key ID in {text!r} does not match its key")
        return verifier


@dataclass(frozen=True)
class Signer:
    name: str
    private_key: Ed25519PrivateKey

    def __post_init__(self) -> None:
        _check_name(self.name)

    @property
    def verifier(self) -> Verifier:
        return Verifier(self.name, self.private_key.public_key())

    def sign_line(self, text: str) -> str:
        signature = self.private_key.sign(text.encode())
        blob = base64.b64encode(self.verifier.key_id + signature).decode()
        return f"{SIGNATURE_PREFIX}{self.name} {blob}\n"


def _check_text(text: str) -> None:
    if not text.endswith("\n"):
        raise NoteError("a note and its text must end with a newline")
    if any(ord(ch) < 0x20 and ch != "\n" for ch in text):
        raise NoteError("the note contains control characters")


def sign(text: str, *signers: Signer) -> str:
    """The signed note: the text, a blank line, one signature line per signer."""
    _check_text(text)
    return text + "\n" + "".join(signer.sign_line(text) for signer in signers)


def open_note(note: str, trusted: list[Verifier]) -> tuple[str, list[Verifier]]:
    """Verify a signed note against trusted keys; return its text and the keys that signed it.

    Signatures from unknown keys are ignored; a bad signature from a trusted
    key, or no good signature from any, rejects the note.
    """
    _check_text(note)
    text, separator, block = note.rpartition("\n\n")
    if not separator:
        raise NoteError("the note has no signature block")
    text += "\n"
    lines = block.split("\n")[:-1]
    if not lines or len(lines) > MAX_SIGNATURES:
        raise NoteError(f"a note carries between 1 and {MAX_SIGNATURES} signatures")
    known = {(v.name, v.key_id): v for v in trusted}
    signed_by: list[Verifier] = []
    for line in lines:
        if not line.startswith(SIGNATURE_PREFIX):
            raise NoteError(f"not a signature line: {line!r}")
        name, _, encoded = line[len(SIGNATURE_PREFIX) :].rpartition(" ")
        try:
            blob = base64.b64decode(encoded, validate=True)
        except binascii.Error:
            raise NoteError(f"the signature of {name} is not base64") from None
        if len(blob) < 5:
            raise NoteError(f"the signature of {name} is too short")
        verifier = known.get((name, blob[:4]))
        if verifier is None:
            continue
        try:
            verifier.public_key.verify(blob[4:], text.encode())
        except InvalidSignature:
            raise NoteError(f"the signature of trusted key {name} does not verify") from None
        signed_by.append(verifier)
    if not signed_by:
        raise NoteError("the note carries no signature from a trusted key")
    return text, signed_by
