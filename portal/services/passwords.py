"""Passwords: argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane), and NIST SP 800-63B's rules
for choosing one: a minimum and a hard maximum length, no composition rules, and no password that is common,
repetitive or made of the account's own e-mail address."""

from __future__ import annotations

import gzip
from functools import cache
from importlib.resources import files

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from portal.services.errors import Invalid, translatable

_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# Verified against when the e-mail is unknown, so that both paths cost the same.
_DUMMY_HASH = _hasher.hash("not a password of anyone")

MIN_PASSWORD_LENGTH = 12
# Long enough for any passphrase or password manager; short enough that hashing one costs what hashing any does.
MAX_PASSWORD_LENGTH = 128
COMMON_PASSWORDS = files("portal") / "data" / "common-passwords.txt.gz"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(stored_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


@cache
def _common() -> frozenset[str]:
    return frozenset(gzip.decompress(COMMON_PASSWORDS.read_bytes()).decode().split())


def check_new_password(password: str, email: str, field: str = "password") -> None:
    """Refuse a password an attacker would try early, with a reason the user can act on."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(
            "The password must have at least %(min)d characters.",
            {field: translatable("Too short.")},
            min=MIN_PASSWORD_LENGTH,
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise Invalid(
            "The password can have at most %(max)d characters.",
            {field: translatable("Too long.")},
            max=MAX_PASSWORD_LENGTH,
        )
    folded = password.strip().lower()
    local_part = email.strip().lower().partition("@")[0]
    if folded in _common() or len(set(folded)) <= 2:
        raise Invalid(
            "This password is among the most common ones and would be guessed early; choose another.",
            {field: translatable("Too common.")},
        )
    if folded in (email.strip().lower(), local_part) or (len(local_part) >= 4 and local_part in folded):
        raise Invalid(
            "The password must not contain your e-mail address.", {field: translatable("Contains your e-mail.")}
        )
