"""SHA-256, SHA-512 and SM3 whose running state can be saved and taken up again, in another process.

A resumable upload arrives over many requests, perhaps days apart and each
served by whichever worker is free. Its check values must advance with each
request without reading the earlier bytes again, so the state between
requests is kept with the upload. hashlib's objects cannot be saved, so these
digests call OpenSSL's libcrypto (the library hashlib uses) through ctypes.
Each digest's state is a plain C struct that libcrypto's provider holds for
the context; saving copies its bytes out, and resuming copies them into a
fresh context of the same algorithm, which is what ``EVP_MD_CTX_copy`` does
within one process. The struct's place is checked against the algorithm's
initial values and a known answer before the first use, so a libcrypto laid
out otherwise is refused instead of producing wrong values.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import struct
from dataclasses import dataclass
from functools import cache
from typing import Any

from evidence.errors import EvidenceError, ResumableUnsupported


@dataclass(frozen=True)
class _Algorithm:
    name: str
    state_size: int
    """sizeof(SHA256_CTX), sizeof(SHA512_CTX), sizeof(SM3_CTX) in OpenSSL's headers."""
    digest_size: int
    initial: bytes
    """The first word of the initial state, in this machine's byte order."""


ALGORITHMS = {
    "sha256": _Algorithm("sha256", 112, 32, struct.pack("=I", 0x6A09E667)),
    "sha512": _Algorithm("sha512", 216, 64, struct.pack("=Q", 0x6A09E667F3BCC908)),
    "sm3": _Algorithm("sm3", 108, 32, struct.pack("=I", 0x7380166F)),
}


@cache
def _libcrypto() -> tuple[Any, int]:
    """libcrypto, and the offset in EVP_MD_CTX of the pointer to the digest's state."""
    name = ctypes.util.find_library("crypto")
    if name is None:
        raise ResumableUnsupported("OpenSSL's libcrypto was not found")
    lib = ctypes.CDLL(name)
    lib.OpenSSL_version_num.restype = ctypes.c_ulong
    lib.EVP_MD_CTX_new.restype = ctypes.c_void_p
    lib.EVP_MD_CTX_free.argtypes = [ctypes.c_void_p]
    lib.EVP_get_digestbyname.restype = ctypes.c_void_p
    lib.EVP_get_digestbyname.argtypes = [ctypes.c_char_p]
    lib.EVP_DigestInit_ex.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
    lib.EVP_DigestUpdate.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t]
    lib.EVP_DigestFinal_ex.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p]
    # struct evp_md_ctx_st: in 3.x the provider's state is `algctx`, after seven pointer-sized members;
    # in 1.1 it is `md_data`, after three.
    pointer = ctypes.sizeof(ctypes.c_void_p)
    offset = 7 * pointer if lib.OpenSSL_version_num() >> 28 >= 3 else 3 * pointer
    return lib, offset


class SavableDigest:
    """One running digest with ``update``, ``digest``, ``hexdigest``, and ``state``/``resume``."""

    def __init__(self, name: str, state: bytes | None = None) -> None:
        self.name = name
        self._algorithm = ALGORITHMS[name]
        self._lib, offset = _libcrypto()
        self._ctx = self._lib.EVP_MD_CTX_new()
        md = self._lib.EVP_get_digestbyname(name.encode())
        if not self._ctx or not md or self._lib.EVP_DigestInit_ex(self._ctx, md, None) != 1:
            self.close()
            raise ResumableUnsupported(f"libcrypto has no {name}")
        address = ctypes.c_void_p.from_address(self._ctx + offset).value
        size = self._algorithm.state_size
        if not address or ctypes.string_at(address, len(self._algorithm.initial)) != self._algorithm.initial:
            self.close()
            raise ResumableUnsupported(f"libcrypto keeps the state of {name} where this module does not expect it")
        self._state: int = address
        if state is not None:
            if len(state) != size:
                self.close()
                raise EvidenceError(f"A saved {name} state is {size} bytes, not {len(state)}")
            ctypes.memmove(self._state, state, size)

    def update(self, data: bytes) -> None:
        if self._lib.EVP_DigestUpdate(self._ctx, data, len(data)) != 1:
            raise EvidenceError(f"{self.name} failed")

    def state(self) -> bytes:
        return ctypes.string_at(self._state, self._algorithm.state_size)

    def digest(self) -> bytes:
        # A copy finishes, so that this one can still be updated or saved, as hashlib's can.
        copy = SavableDigest(self.name, self.state())
        out = ctypes.create_string_buffer(64)
        try:
            if copy._lib.EVP_DigestFinal_ex(copy._ctx, out, None) != 1:
                raise EvidenceError(f"{self.name} failed")
        finally:
            copy.close()
        return out.raw[: self._algorithm.digest_size]

    def hexdigest(self) -> str:
        return self.digest().hex()

    def close(self) -> None:
        if self._ctx:
            self._lib.EVP_MD_CTX_free(self._ctx)
            self._ctx = None

    def __del__(self) -> None:
        self.close()


@cache
def check() -> None:
    """Raise :class:`ResumableUnsupported` unless saved states resume to the right values on this machine."""
    message = b"evidence " * 1000
    for name in ALGORITHMS:
        first = SavableDigest(name)
        first.update(message[:4321])
        resumed = SavableDigest(name, first.state())
        resumed.update(message[4321:])
        if resumed.hexdigest() != hashlib.new(name, message).hexdigest():
            raise ResumableUnsupported(f"a resumed {name} does not give the right value")
