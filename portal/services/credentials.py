"""What users hold to prove who they are: their sign-in address, and the secrets handed to them (session
cookies, API tokens, links sent by e-mail), of which only a SHA-256 is stored."""

from __future__ import annotations

import hashlib
import secrets


def new_secret() -> str:
    """256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def normalise_email(email: str) -> str:
    return email.strip().lower()
