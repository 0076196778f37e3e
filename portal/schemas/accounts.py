"""Users and organisations."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, WithJsonSchema

from portal.models import AccountEventKind, OrgKind, OrgRole, OrgStatus, Role, TokenScope
from portal.schemas.base import Id, Input, Output, Text, changes_to
from portal.services.accounts import LANGUAGES, TIMEZONES
from portal.services.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from portal.services.tokens import DEFAULT_DAYS, MAX_DAYS, MAX_NAME


class Organisation(Output):
    id: Id
    legal_name: str = Field(description="The legal name in its original script.", examples=["株式会社サンプル"])
    legal_name_latin: str = Field(examples=["Sample K.K."])
    country: str = Field(description="ISO 3166-1 alpha-2.", examples=["JP"])
    foreign: bool = Field(description="Registered outside mainland China.")
    kind: OrgKind
    status: OrgStatus
    require_two_factor: bool = Field(description="Every member must sign in with a second factor.")


class OrganisationDecision(Input):
    decision: Literal["approve", "reject"]
    reason: Text = Field("", max_length=2000, description="Required to reject; sent to the registrant.")


class User(Output):
    id: Id
    email: str
    name: str
    role: Role
    language: str = Field(examples=["en"])
    timezone: str = Field(examples=["Asia/Shanghai"])
    email_verified: bool = Field(description="Whether the owner of the address has followed the link sent to it.")
    two_factor: bool = Field(description="Whether the user signs in with a second factor (an authenticator app).")
    organisation_admin: bool = Field(
        description="Manages the organisation's members, tokens, webhooks and powers of attorney."
    )
    organisation_role: OrgRole | None = Field(
        description="admin, member (files and takes part in cases) or viewer (reads only); null for staff."
    )
    organisation: Organisation | None
    version: int = Field(description="Raised by every change; sent as the ETag.")


def _among(allowed: Collection[str]) -> AfterValidator:
    def check(value: str) -> str:
        if value not in allowed:
            raise ValueError("not one of the values the document lists")
        return value

    return AfterValidator(check)


def _listed(allowed: Collection[str]) -> WithJsonSchema:
    return WithJsonSchema({"type": "string", "enum": sorted(allowed)})


Language = Annotated[str, _among(LANGUAGES), _listed(LANGUAGES)]
TimeZone = Annotated[str, _among(TIMEZONES), _listed(TIMEZONES)]


class Preferences(Input):
    name: Text = Field("", max_length=200, description="How the portal addresses you.", examples=["Mei Lin"])
    language: Language = Field("en", description="Of pages, e-mails and notifications.")
    timezone: TimeZone = Field("UTC", description="IANA time zone that times are shown in.", examples=["Europe/Paris"])


PreferenceChanges = changes_to(Preferences, "PreferenceChanges")


# The shape only; whether the portal can send to it is a rule of the services (422 "invalid", naming the field).
Email = Annotated[str, Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+$", examples=["counsel@brand.example"])]
NewPassword = Annotated[
    str,
    Field(
        min_length=MIN_PASSWORD_LENGTH,
        max_length=MAX_PASSWORD_LENGTH,
        description="NIST SP 800-63B: 12 to 128 characters, any you like; common passwords and ones made of "
        "your e-mail address are refused.",
    ),
]
LinkToken = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_-]+$")]


class PasswordResetRequest(Input):
    email: Email


class PasswordReset(Input):
    token: LinkToken = Field(description="The last part of the link in the e-mail: /password/reset/{token}.")
    password: NewPassword


class EmailChange(Input):
    email: Email = Field(description="The new address; it is used once its owner follows the link sent to it.")
    password: str = Field(min_length=1, max_length=MAX_PASSWORD_LENGTH, description="Your current password.")


class EmailConfirmation(Input):
    token: LinkToken = Field(description="The last part of the link in the e-mail: /email/confirm/{token}.")


class Accepted(Output):
    detail: str = Field(description="What happens next.")


class Confirmed(Output):
    email: str = Field(description="The address now confirmed, and used to sign in.")


class TokenInput(Input):
    name: Text = Field(min_length=1, max_length=MAX_NAME, description="What uses it.", examples=["Case system"])
    scopes: list[TokenScope] = Field(
        min_length=1,
        max_length=len(TokenScope),
        description="At most what your role allows: read; file (rights, complaints, evidence); cases; admin.",
        examples=[["read", "file"]],
    )
    days: int = Field(DEFAULT_DAYS, ge=1, le=MAX_DAYS, description="Until it expires.")


class Token(Output):
    id: Id
    name: str
    owner: str = Field(description="The e-mail address of the user the token acts as.")
    scopes: list[TokenScope]
    created_at: datetime
    expires_at: datetime
    expired: bool
    last_used_at: datetime | None


class IssuedToken(Token):
    token: str = Field(description="The secret, shown this once and never again: send it as `Bearer <token>`.")


class ResetDone(Output):
    tokens: list[Token] = Field(
        description="The account's API tokens, which still work: a reset signs out every browser but revokes no "
        "token. Revoke any you no longer trust."
    )


class Member(Output):
    id: Id
    email: str
    name: str
    role: OrgRole
    since: datetime


class MemberChange(Input):
    role: OrgRole


class InvitationInput(Input):
    email: Email
    role: OrgRole = Field(OrgRole.MEMBER, description="admin, member (files and takes part in cases), viewer (reads).")


class StaffInvitationInput(Input):
    email: Email
    role: Literal["prosecutor", "supervisor", "admin"]


class InvitationOut(Output):
    id: Id
    email: str
    role: str = Field(description="The organisation role (admin, member, viewer) or, for staff, the staff role.")
    created_at: datetime
    expires_at: datetime | None = Field(description="Set when the mail is sent: 7 days later.")


class InvitationAcceptance(Input):
    token: LinkToken = Field(description="The last part of the link in the e-mail: /invitations/{token}.")
    name: Text = Field("", max_length=200)
    password: NewPassword


class BrowserSession(Output):
    id: Id
    browser: str = Field(
        description="As its user recognises it, from the User-Agent.", examples=["Firefox 133 · Windows"]
    )
    address: str
    signed_in_at: datetime
    last_seen_at: datetime = Field(description="To the minute; a browser idle for 14 days is signed out.")


class AccountEvent(Output):
    id: Id
    at: datetime
    kind: AccountEventKind
    account: str | None = Field(description="The e-mail of the account it is about; null for an unknown address.")
    by: str | None = Field(description="Who did it, when not the account's own user.")
    address: str = Field(description="The client's IP address.")
    detail: dict[str, str | int | bool | None]


class OrganisationChanges(Input):
    require_two_factor: bool = Field(description="Require every member to sign in with a second factor.")
