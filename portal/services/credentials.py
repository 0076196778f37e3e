"""What users hold to prove who they are: their sign-in address, and the secrets handed to them (session
cookies, API tokens, links sent by e-mail), of which only a SHA-256 is stored."""

from __future__ import annotations

import hashlib
import secrets

from email_validator import EmailNotValidError, validate_email

from portal.services.errors import Invalid, translatable


def new_secret() -> str:
    """256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def normalise_email(email: str) -> str:
    return email.strip().lower()


def mailable_email(email: str, field: str = "email") -> str:
    """An address the portal will send links to, normalised; refused with the reason when it cannot be one."""
    try:
        validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise Invalid(
            "This is not an e-mail address we can send to: %(reason)s",
            {field: translatable("Not an address we can send to.")},
            reason=str(exc),
        ) from None
    return normalise_email(email)
