"""The portal's Ed25519 signing keys, kept in a directory.

Two roles: ``checkpoint`` signs the transparency log's checkpoints and
``receipt`` signs receipts and bundle seals. Each role has one active private
key (``<role>.key``, PKCS#8 PEM, readable by the owner only). Rotating a role
keeps the public half of the old key (``retired/<role>-<id>.pub``), so that
what it signed can still be verified. A rotated checkpoint key may go on
co-signing checkpoints beside the new one for an overlap period
(``retired/<role>-<id>.key`` until the date in ``.until``), so that verifiers
who know only the old key can follow the log while they learn the new one;
after that its private half is deleted.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_pem_private_key,
    load_pem_public_key,
)

from evidence.signed_note import Signer, Verifier

ROLES = ("checkpoint", "receipt")


class KeyProblem(Exception):
    """A key is missing, already present, or unreadable."""


def fingerprint(public_key: Ed25519PublicKey) -> str:
    """SHA-256 of the raw 32-byte public key, hex: what people compare out of band."""
    return hashlib.sha256(public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)).hexdigest()


def public_pem(public_key: Ed25519PublicKey) -> str:
    return public_key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()


@dataclass(frozen=True)
class PublicKeyInfo:
    role: str
    public_key: Ed25519PublicKey
    active: bool

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)


class KeyDirectory:
    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    def _private_path(self, role: str) -> Path:
        if role not in ROLES:
            raise KeyProblem(f"unknown key role {role!r}; the roles are {', '.join(ROLES)}")
        return self.path / f"{role}.key"

    def has(self, role: str) -> bool:
        return self._private_path(role).exists()

    def generate(self, role: str) -> Ed25519PrivateKey:
        """Create the role's key; refuses to overwrite one (use ``rotate``)."""
        target = self._private_path(role)
        self.path.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
        try:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise KeyProblem(f"a {role} key exists already in {self.path}; rotate it instead") from None
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
        return key

    def ensure(self) -> list[str]:
        """Generate the keys that are missing; returns the roles generated."""
        missing = [role for role in ROLES if not self.has(role)]
        for role in missing:
            self.generate(role)
        return missing

    def private_key(self, role: str) -> Ed25519PrivateKey:
        path = self._private_path(role)
        try:
            key = load_pem_private_key(path.read_bytes(), password=None)
        except FileNotFoundError:
            raise KeyProblem(f"no {role} key in {self.path}; run `portal keys generate`") from None
        except ValueError as exc:
            raise KeyProblem(f"the {role} key in {path} cannot be read: {exc}") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise KeyProblem(f"the {role} key in {path} is not an Ed25519 key")
        return key

    def rotate(self, role: str, overlap: timedelta = timedelta(0)) -> Ed25519PrivateKey:
        """Retire the active key (its public half is kept) and make a new one.

        With an ``overlap``, the old private key is kept that long to co-sign.
        """
        old_key = self.private_key(role)
        old = old_key.public_key()
        retired = self.path / "retired"
        retired.mkdir(exist_ok=True, mode=0o700)
        stem = retired / f"{role}-{fingerprint(old)[:16]}"
        stem.with_suffix(".pub").write_text(public_pem(old))
        if overlap > timedelta(0):
            self._private_path(role).rename(stem.with_suffix(".key"))
            stem.with_suffix(".until").write_text((datetime.now(UTC) + overlap).isoformat())
        else:
            self._private_path(role).unlink()
        return self.generate(role)

    def co_signers(self, role: str, name: str, now: datetime | None = None) -> list[Signer]:
        """Retired keys still within their overlap; expired ones are deleted here."""
        now = now or datetime.now(UTC)
        signers = []
        for until_path in sorted((self.path / "retired").glob(f"{role}-*.until")):
            key_path = until_path.with_suffix(".key")
            if datetime.fromisoformat(until_path.read_text().strip()) <= now:
                key_path.unlink(missing_ok=True)
                until_path.unlink()
                continue
            key = load_pem_private_key(key_path.read_bytes(), password=None)
            if isinstance(key, Ed25519PrivateKey):
                signers.append(Signer(name, key))
        return signers

    def public_keys(self, role: str) -> list[PublicKeyInfo]:
        """The active key first, then the retired ones."""
        keys = [PublicKeyInfo(role, self.private_key(role).public_key(), active=True)]
        for path in sorted((self.path / "retired").glob(f"{role}-*.pub")):
            key = load_pem_public_key(path.read_bytes())
            if isinstance(key, Ed25519PublicKey):
                keys.append(PublicKeyInfo(role, key, active=False))
        return keys

    def signer(self, role: str, name: str) -> Signer:
        return Signer(name, self.private_key(role))

    def verifiers(self, role: str, name: str) -> list[Verifier]:
        return [Verifier(name, info.public_key) for info in self.public_keys(role)]
