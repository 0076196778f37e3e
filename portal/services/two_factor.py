"""Two-factor sign-in: TOTP (RFC 6238) and single-use recovery codes.

Required for staff, and for the members of an organisation whose administrators ask for it. A TOTP code is
accepted once: the step it belongs to is recorded by a conditional UPDATE, so neither a replay nor two
simultaneous tries with one code get in. The secret is sealed (Fernet) with a key derived from SECRET_KEY,
so a copy of the database alone does not give the second factor away.
"""

from __future__ import annotations

import base64
import hmac
import re
import secrets
import time
from dataclasses import dataclass

import pyotp
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from portal.models import AccountEventKind, RecoveryCode, User, utcnow
from portal.services import account_log
from portal.services.access import require_org_admin
from portal.services.credentials import digest
from portal.services.errors import Conflict, Invalid, translatable
from portal.services.passwords import check_password

ISSUER = "IP Evidence Portal"
STEP = 30
RECOVERY_CODES = 10
# The previous and the next step are accepted too, for clocks a little off.
DRIFT = 1


def sealing_key(secret_key: str) -> bytes:
    """The Fernet key for TOTP secrets, derived from the app's SECRET_KEY."""
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"portal totp secret").derive(
        secret_key.encode()
    )
    return base64.urlsafe_b64encode(derived)


def required(user: User) -> bool:
    return user.role.is_staff or (user.organisation is not None and user.organisation.require_two_factor)


def enrolled(user: User) -> bool:
    """Whether the user has a second factor: an authenticator app, or a passkey."""
    return user.totp_secret is not None or bool(user.passkeys)


def new_totp_secret() -> str:
    """160 random bits in base32, as RFC 4226 recommends."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def _step_of(secret: str, code: str, after: int | None) -> int | None:
    """The step whose code this is, within the drift and after ``after``; None if it is none of them."""
    now = int(time.time()) // STEP
    totp = pyotp.TOTP(secret)
    for step in range(now - DRIFT, now + DRIFT + 1):
        if (after is None or step > after) and hmac.compare_digest(totp.at(step * STEP), code):
            return step
    return None


def _digits(code: str) -> str:
    return re.sub(r"\s", "", code)


WRONG_CODE = translatable("That code is not right. Codes change every 30 seconds; use the one shown now.")


def enable_totp(session: Session, user: User, key: bytes, secret: str, code: str, address: str = "") -> Added:
    """Turn TOTP on once the user shows a code from the new secret."""
    if user.totp_secret is not None:
        raise Conflict("An authenticator app is already set up; remove it first to set up another.")
    step = _step_of(secret, _digits(code), None)
    if step is None:
        raise Invalid(WRONG_CODE, {"code": translatable("Not the current code.")})
    first = not enrolled(user)
    user.totp_secret = Fernet(key).encrypt(secret.encode()).decode()
    user.totp_last_step = step
    account_log.record(session, AccountEventKind.SECOND_FACTOR_ADDED, user, address=address, method="totp")
    added = Added(first_recovery_codes(session, user, address), first)
    session.commit()
    return added


def disable_totp(session: Session, user: User, password: str, address: str = "") -> None:
    if not check_password(user.password_hash, password):
        raise Invalid("The password is wrong.", {"password": translatable("Wrong password.")})
    if required(user) and not user.passkeys:
        raise Conflict("Your account must keep a second factor; set up another authenticator before removing this one.")
    user.totp_secret = user.totp_last_step = None
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    account_log.record(session, AccountEventKind.SECOND_FACTOR_REMOVED, user, address=address, method="totp")
    session.commit()


def fresh_recovery_codes(session: Session, user: User, address: str) -> list[str]:
    """Ten new codes in the caller's transaction; the earlier ones stop working."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_format(secrets.token_hex(5)) for _ in range(RECOVERY_CODES)]
    session.add_all(RecoveryCode(user_id=user.id, code_hash=digest(_normal(code))) for code in codes)
    account_log.record(session, AccountEventKind.RECOVERY_CODES_MADE, user, address=address)
    return codes


@dataclass(frozen=True)
class Added:
    """A second factor just added.

    `codes` are recovery codes to show once (empty if the user already had some). `first` says it is the user's
    first second factor: the session that signed in with a password alone must end, and the browser sign in anew.
    """

    codes: list[str]
    first: bool


def first_recovery_codes(session: Session, user: User, address: str) -> list[str]:
    """Recovery codes for a user who adds a second factor and has none yet (in the caller's transaction)."""
    return [] if remaining_recovery_codes(session, user) else fresh_recovery_codes(session, user, address)


def new_recovery_codes(session: Session, user: User, address: str = "") -> list[str]:
    """Ten new codes; the earlier ones stop working. Shown once."""
    if not enrolled(user):
        raise Conflict("Set up an authenticator first; recovery codes stand in for it.")
    codes = fresh_recovery_codes(session, user, address)
    session.commit()
    return codes


def remaining_recovery_codes(session: Session, user: User) -> int:
    unused = select(func.count()).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    return session.scalar(unused) or 0


def _format(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def _normal(code: str) -> str:
    return re.sub(r"[\s-]", "", code).lower()


def verify(session: Session, user: User, key: bytes, code: str, address: str = "") -> bool:
    """Whether ``code`` (a TOTP code, or an unused recovery code) completes the user's sign-in; spent if so."""
    given = _digits(code)
    if user.totp_secret is not None and re.fullmatch(r"\d{6}", given):
        secret = Fernet(key).decrypt(user.totp_secret.encode()).decode()
        step = _step_of(secret, given, user.totp_last_step)
        if step is not None:
            claimed = session.execute(
                update(User)
                .where(User.id == user.id, (User.totp_last_step.is_(None)) | (User.totp_last_step < step))
                .values(totp_last_step=step)
            )
            if claimed.rowcount == 1:  # type: ignore[attr-defined]
                session.commit()
                return True
    elif re.fullmatch(r"[0-9a-f]{10}", _normal(code)):
        spent = session.execute(
            update(RecoveryCode)
            .where(
                RecoveryCode.user_id == user.id,
                RecoveryCode.code_hash == digest(_normal(code)),
                RecoveryCode.used_at.is_(None),
            )
            .values(used_at=utcnow())
        )
        if spent.rowcount == 1:  # type: ignore[attr-defined]
            left = remaining_recovery_codes(session, user)
            account_log.record(session, AccountEventKind.RECOVERY_CODE_USED, user, address=address, left=left)
            session.commit()
            return True
    session.rollback()
    account_log.record(session, AccountEventKind.SECOND_FACTOR_FAILED, user, address=address)
    session.commit()
    return False


def set_organisation_requirement(session: Session, actor: User, wanted: bool | None, address: str = "") -> None:
    """An organisation's administrators require (or stop requiring) a second factor of every member."""
    require_org_admin(actor)
    if wanted is None:
        raise Invalid("Say whether members must use a second factor.", {"required": "Required."})
    org = actor.organisation
    assert org is not None
    if org.require_two_factor is not wanted:
        org.require_two_factor = wanted
        account_log.record(session, AccountEventKind.TWO_FACTOR_POLICY_CHANGED, actor, address=address, required=wanted)
        session.commit()
