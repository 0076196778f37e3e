"""Passkeys (WebAuthn Level 3, with the `webauthn` package): registered on the account page, used as the second
factor after a password, or alone, when the authenticator verified its user (a PIN or biometric).

The relying party is the portal's public address (PORTAL_URL): its host is the RP ID, its origin the only one
accepted. Challenges are made here and kept by the caller (the signed session) until the answer comes back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import parse_authentication_credential_json
from webauthn.helpers.exceptions import InvalidAuthenticationResponse, InvalidJSONStructure, InvalidRegistrationResponse
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from portal.models import AccountEventKind, Passkey, User, utcnow
from portal.services import account_log, two_factor
from portal.services.errors import Conflict, Invalid, NotFound, translatable

MAX_NAME = 100
FAILED = translatable("The passkey did not answer as it should; try again, or use your authenticator app.")


@dataclass(frozen=True)
class RelyingParty:
    id: str
    """The portal's host name, such as portal.example (never an IP address)."""
    origin: str
    """Scheme, host and port, as the browser sends them."""
    name: str = "IP Evidence Portal"


@dataclass(frozen=True)
class Challenge:
    options_json: str
    """What navigator.credentials needs, as JSON."""
    challenge: bytes


def _descriptors(keys: list[Passkey]) -> list[PublicKeyCredentialDescriptor]:
    return [
        PublicKeyCredentialDescriptor(
            id=key.credential_id, transports=[AuthenticatorTransport(t) for t in key.transports]
        )
        for key in keys
    ]


def of_user(session: Session, user: User) -> list[Passkey]:
    return list(session.scalars(select(Passkey).where(Passkey.user_id == user.id).order_by(Passkey.id)))


def registration(session: Session, user: User, party: RelyingParty) -> Challenge:
    """Options for registering a new passkey; the user's others are excluded, so one device holds one."""
    options = generate_registration_options(
        rp_id=party.id,
        rp_name=party.name,
        user_id=str(user.id).encode(),
        user_name=user.email,
        user_display_name=user.name or user.email,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=_descriptors(of_user(session, user)),
    )
    return Challenge(options_to_json(options), options.challenge)


def register(
    session: Session, user: User, party: RelyingParty, challenge: bytes, answer: str, name: str, address: str = ""
) -> two_factor.Added:
    """Keep the new passkey."""
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise Invalid("Name the passkey (1 to 100 characters), such as the device it is on.", {"name": "Required."})
    try:
        verified = verify_registration_response(
            credential=answer, expected_challenge=challenge, expected_rp_id=party.id, expected_origin=party.origin
        )
    except (InvalidRegistrationResponse, InvalidJSONStructure):
        raise Invalid(FAILED) from None
    try:
        transports = [str(t) for t in json.loads(answer)["response"].get("transports", [])]
    except (ValueError, KeyError, TypeError, AttributeError):
        transports = []
    first = not two_factor.enrolled(user)
    key = Passkey(
        user_id=user.id,
        credential_id=verified.credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        transports=[t for t in transports if t in {m.value for m in AuthenticatorTransport}],
        name=name,
    )
    session.add(key)
    account_log.record(
        session, AccountEventKind.SECOND_FACTOR_ADDED, user, address=address, method="passkey", name=name
    )
    session.flush()
    added = two_factor.Added(two_factor.first_recovery_codes(session, user, address), first)
    session.commit()
    return added


def authentication(session: Session, party: RelyingParty, user: User | None) -> Challenge:
    """Options for signing in: with the user's own passkeys after a password, or, with no user yet, any
    discoverable passkey that verifies its user."""
    options = generate_authentication_options(
        rp_id=party.id,
        allow_credentials=_descriptors(of_user(session, user)) if user is not None else [],
        user_verification=UserVerificationRequirement.PREFERRED if user else UserVerificationRequirement.REQUIRED,
    )
    return Challenge(options_to_json(options), options.challenge)


def authenticate(
    session: Session, party: RelyingParty, challenge: bytes, answer: str, user: User | None, address: str = ""
) -> User:
    """The user the passkey answered for; with ``user`` given (after a password), only one of theirs will do."""
    try:
        credential = parse_authentication_credential_json(answer)
    except InvalidJSONStructure:
        raise Invalid(FAILED) from None
    key = session.scalar(select(Passkey).where(Passkey.credential_id == credential.raw_id))
    if key is None or (user is not None and key.user_id != user.id) or not key.user.active:
        raise NotFound("This passkey is not registered here.")
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=party.id,
            expected_origin=party.origin,
            credential_public_key=key.public_key,
            credential_current_sign_count=key.sign_count,
            require_user_verification=user is None,
        )
    except InvalidAuthenticationResponse:
        account_log.record(session, AccountEventKind.SECOND_FACTOR_FAILED, key.user, address=address, method="passkey")
        session.commit()
        raise Invalid(FAILED) from None
    key.sign_count, key.last_used_at = verified.new_sign_count, utcnow()
    session.commit()
    return key.user


def remove(session: Session, user: User, passkey_id: int, address: str = "") -> None:
    key = session.get(Passkey, passkey_id)
    if key is None or key.user_id != user.id:
        raise NotFound("There is no such passkey.")
    if two_factor.required(user) and user.totp_secret is None and len(user.passkeys) == 1:
        raise Conflict("Your account must keep a second factor; add another before removing this passkey.")
    session.delete(key)
    account_log.record(session, AccountEventKind.SECOND_FACTOR_REMOVED, user, address=address, method="passkey")
    session.commit()
