"""RFC 3161 trusted timestamps: asking a TSA for a token and checking one.

Tokens are requested over a SHA-256 digest the caller already has (a file's
address, a checkpoint's hash), so a large file is never read again for it.
The whole TimeStampResp is kept, which is what
``openssl ts -verify -in FILE.tsr -data FILE -CAfile CA.pem`` reads.
"""

from __future__ import annotations

import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime

from asn1crypto import algos, tsp
from cryptography import x509
from rfc3161_client import VerificationError, VerifierBuilder, decode_timestamp_response

_TIMEOUT_SECONDS = 10
_MAX_REPLY_BYTES = 1024 * 1024


class TimestampError(Exception):
    """No valid token: the TSA failed, or a token does not check out."""


@dataclass(frozen=True)
class TokenInfo:
    gen_time: datetime
    serial_number: int
    tsa_name: str


def build_request(sha256_digest: bytes, nonce: int) -> bytes:
    if len(sha256_digest) != 32:
        raise ValueError("a SHA-256 digest is 32 bytes")
    request = tsp.TimeStampReq(
        {
            "version": 1,
            "message_imprint": {
                "hash_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
                "hashed_message": sha256_digest,
            },
            "nonce": nonce,
            "cert_req": True,
        }
    )
    return bytes(request.dump())


def load_certificates(pem: bytes) -> list[x509.Certificate]:
    try:
        return x509.load_pem_x509_certificates(pem)
    except ValueError as exc:
        raise TimestampError(f"the TSA trust anchor is not a PEM certificate: {exc}") from None


def verify_token(
    reply: bytes, sha256_digest: bytes, roots: list[x509.Certificate], nonce: int | None = None
) -> TokenInfo:
    """Check a TimeStampResp over ``sha256_digest`` against trusted roots."""
    if not roots:
        raise TimestampError("no TSA trust anchor to check the token against")
    try:
        response = decode_timestamp_response(reply)
    except ValueError as exc:
        raise TimestampError(f"not an RFC 3161 timestamp reply: {exc}") from None
    builder = VerifierBuilder(nonce=nonce)
    for root in roots:
        builder = builder.add_root_certificate(root)
    try:
        builder.build().verify(response, sha256_digest)
    except VerificationError as exc:
        raise TimestampError(f"the timestamp token does not verify: {exc}") from None
    info = response.tst_info
    return TokenInfo(info.gen_time, info.serial_number, _tsa_name(response))


def _tsa_name(response: object) -> str:
    try:
        name = response.tst_info.name  # type: ignore[attr-defined]
        return str(name.value.rfc4514_string())
    except Exception:  # noqa: BLE001 - the name is optional in a token; the time is what counts
        return ""


@dataclass(frozen=True)
class TimestampClient:
    url: str
    roots: tuple[x509.Certificate, ...]

    def stamp(self, sha256_digest: bytes) -> tuple[bytes, TokenInfo]:
        """Ask the TSA for a token over the digest and check it before keeping it."""
        nonce = secrets.randbits(63)
        request = urllib.request.Request(  # noqa: S310 - the URL is the operator's TSA_URL, http(s) checked in settings
            self.url,
            data=build_request(sha256_digest, nonce),
            headers={"Content-Type": "application/timestamp-query"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=_TIMEOUT_SECONDS) as reply:  # noqa: S310
                body = reply.read(_MAX_REPLY_BYTES + 1)
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise TimestampError(f"the TSA at {self.url} did not answer: {exc}") from None
        if len(body) > _MAX_REPLY_BYTES:
            raise TimestampError("the TSA reply is too large")
        return body, verify_token(body, sha256_digest, list(self.roots), nonce)
