"""Detached Ed25519 signatures over exact bytes.

A signature file holds the 64 raw signature bytes, which is what
``openssl pkeyutl -verify -rawin -pubin -inkey KEY.pem -in FILE -sigfile FILE.sig``
checks, so anyone can verify without this code.
"""

from __future__ import annotations

from collections.abc import Iterable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from evidence.keys import fingerprint


def sign(key: Ed25519PrivateKey, data: bytes) -> bytes:
    return key.sign(data)


def signed_by(data: bytes, signature: bytes, keys: Iterable[Ed25519PublicKey]) -> str | None:
    """The fingerprint of the key among ``keys`` that made ``signature``, or None."""
    if len(signature) != 64:
        return None
    for key in keys:
        try:
            key.verify(signature, data)
        except InvalidSignature:
            continue
        return fingerprint(key)
    return None
