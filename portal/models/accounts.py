from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Index, LargeBinary, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, utcnow
from portal.models.enums import AccountEventKind, LinkPurpose, OrgKind, OrgRole, OrgStatus, RightType, Role


def enum_column(enum: type) -> Enum:
    return Enum(enum, native_enum=False, length=40, values_callable=lambda e: [m.value for m in e])


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    legal_name: Mapped[str] = mapped_column(String(300))
    legal_name_latin: Mapped[str] = mapped_column(String(300))
    country: Mapped[str] = mapped_column(String(2))
    is_foreign: Mapped[bool]
    registration_number: Mapped[str] = mapped_column(String(100), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    language: Mapped[str] = mapped_column(String(5), default="en")
    kind: Mapped[OrgKind] = mapped_column(
        enum_column(OrgKind), default=OrgKind.RIGHTS_HOLDER, server_default=OrgKind.RIGHTS_HOLDER.value
    )
    status: Mapped[OrgStatus] = mapped_column(enum_column(OrgStatus), default=OrgStatus.PENDING)
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", use_alter=True))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    require_two_factor: Mapped[bool] = mapped_column(default=False, server_default=false())
    """Its administrators require every member to sign in with a second factor."""

    members: Mapped[list[User]] = relationship(back_populates="organisation", foreign_keys="User.org_id")
    rights: Mapped[list[IPRight]] = relationship(back_populates="organisation", order_by="IPRight.id")


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    """Raised by every change through the API or a page: the ETag that If-Match is checked against."""
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(enum_column(Role))
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    language: Mapped[str] = mapped_column(String(5), default="en")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    active: Mapped[bool] = mapped_column(default=True)
    email_verified_at: Mapped[datetime | None]
    """When the owner of the address followed the link sent to it; None until then."""
    org_role: Mapped[OrgRole | None] = mapped_column(enum_column(OrgRole))
    """The member's part in their organisation; None for staff."""
    totp_secret: Mapped[str | None] = mapped_column(String(200))
    """The TOTP secret, sealed with a key derived from SECRET_KEY; None without TOTP."""
    totp_last_step: Mapped[int | None]
    """The 30-second step of the last code accepted: a code counts once, and never an older one."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation | None] = relationship(back_populates="members", foreign_keys=[org_id])
    passkeys: Mapped[list[Passkey]] = relationship(order_by="Passkey.id", viewonly=True)

    @property
    def is_agent(self) -> bool:
        return self.organisation is not None and self.organisation.kind is OrgKind.AGENT

    @property
    def is_org_admin(self) -> bool:
        """Manages the organisation's members, API tokens, webhooks and powers of attorney."""
        return self.org_role is OrgRole.ADMIN

    @property
    def reads_only(self) -> bool:
        return self.org_role is OrgRole.VIEWER


class LoginSession(Base):
    """A server-side record of a signed-in browser; deleting it signs that browser out."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    """SHA-256 of the value in the cookie."""
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    """To the minute, so that pages do not each cost a write."""
    address: Mapped[str] = mapped_column(String(45), default="", server_default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="", server_default="")

    user: Mapped[User] = relationship()


class RecoveryCode(Base):
    """One of ten single-use codes that stand in for the second factor when it is lost; SHA-256 only."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]


class Passkey(Base):
    """A WebAuthn credential: a second factor, or, being discoverable and verifying its user, a sign-in alone."""

    __tablename__ = "passkeys"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    credential_id: Mapped[bytes] = mapped_column(LargeBinary(1024), unique=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    """COSE, as the authenticator gave it at registration."""
    sign_count: Mapped[int] = mapped_column(default=0)
    transports: Mapped[list[str]] = mapped_column(JSON, default=list)
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class AccountLink(Base):
    """A single-use link sent by e-mail; only its SHA-256 is kept, so the database cannot give it away."""

    __tablename__ = "account_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[LinkPurpose] = mapped_column(enum_column(LinkPurpose))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    """Where the link was sent: for a change of address, the new one, which the link confirms."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class Invitation(Base):
    """An invitation by e-mail to join an organisation (by its administrators) or the staff (by an admin).

    The single-use link is made when the mail is sent; only its SHA-256 is kept.
    """

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    """None for staff."""
    role: Mapped[Role] = mapped_column(enum_column(Role))
    org_role: Mapped[OrgRole | None] = mapped_column(enum_column(OrgRole))
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    accepted_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    """The account made by accepting it."""

    organisation: Mapped[Organisation | None] = relationship()
    invited_by: Mapped[User] = relationship(foreign_keys=[invited_by_id])


class AccountEvent(Base):
    """One line of the account log: who signed in, failed to, or changed what about an account."""

    __tablename__ = "account_events"
    __table_args__ = (
        Index("ix_account_events_org_id_id", "org_id", "id"),
        Index("ix_account_events_user_id_id", "user_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[AccountEventKind] = mapped_column(enum_column(AccountEventKind))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    """The account it is about; None when a sign-in or reset named an address that has none."""
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    """The organisation whose administrators read it; None for staff accounts."""
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    """Who did it, when not the account's own user."""
    address: Mapped[str] = mapped_column(String(45), default="")
    """The client's IP address."""
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])


class ApiToken(Base):
    """A personal access token: named, scoped, expiring; only its SHA-256 is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    """TokenScope values; at each use they are cut down to what the user's role allows then."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class IdempotentRequest(Base):
    """A creating request sent with an Idempotency-Key, and its answer, replayed to a retry of it."""

    __tablename__ = "idempotent_requests"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    """SHA-256 over the method, path, query and body: a key is for one request only."""
    status: Mapped[int | None]
    """None while the first request is still being answered."""
    body: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class IPRight(Base):
    __tablename__ = "ip_rights"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    right_type: Mapped[RightType] = mapped_column(enum_column(RightType))
    registration_number: Mapped[str] = mapped_column(String(100))
    registry_name: Mapped[str] = mapped_column("registry", String(100))
    owner: Mapped[str] = mapped_column(String(300))
    valid_from: Mapped[date | None]
    valid_until: Mapped[date | None]
    scope: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[datetime | None]
    """New complaints cannot rely on a retired right; those that did keep it."""
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    """Raised by every change through the API or a page: the ETag that If-Match is checked against."""

    organisation: Mapped[Organisation] = relationship(back_populates="rights")


class PowerOfAttorney(Base):
    """A rights holder's authority for an agent organisation: its scope, validity and signed document."""

    __tablename__ = "powers_of_attorney"

    id: Mapped[int] = mapped_column(primary_key=True)
    principal_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    agent_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    scopes: Mapped[list[str]] = mapped_column(JSON)
    valid_from: Mapped[date]
    valid_until: Mapped[date]
    evidence_id: Mapped[int] = mapped_column(ForeignKey("evidence_items.id"))
    notarised_by: Mapped[str] = mapped_column(String(300), default="")
    notarised_on: Mapped[date | None]
    legalisation: Mapped[str] = mapped_column(String(300), default="")
    """Apostille or consular legalisation: number, issuing authority, date."""
    granted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    principal: Mapped[Organisation] = relationship(foreign_keys=[principal_org_id])
    agent: Mapped[Organisation] = relationship(foreign_keys=[agent_org_id])
