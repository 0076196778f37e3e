"""Personal access tokens for the API: named, scoped, expiring, revocable, shown once.

A token's scopes say what kinds of operation it may call; the user's role and organisation still decide which
objects. Scopes never exceed the role: they are checked when the token is made, and cut down again at every
use, so a member whose role shrinks loses what their tokens could do at once.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from portal.models import AccountEventKind, ApiToken, Role, TokenScope, User, utcnow
from portal.services import account_log, paging, two_factor
from portal.services.access import require_org_admin
from portal.services.credentials import digest, new_secret
from portal.services.errors import Forbidden, Invalid, NotFound, translatable
from portal.services.paging import Page, Window

PREFIX = "iep_"
DEFAULT_DAYS = 90
MAX_DAYS = 365
MAX_NAME = 100
# Recorded to the minute, so that reads do not each cost a write.
USE_RESOLUTION = timedelta(minutes=1)
EVERY_SCOPE = frozenset(TokenScope)


def allowed_scopes(user: User) -> frozenset[TokenScope]:
    """What the user's role lets a token of theirs do."""
    if user.role is Role.HOLDER:
        if user.reads_only:
            return frozenset({TokenScope.READ})
        return EVERY_SCOPE if user.is_org_admin else frozenset({TokenScope.READ, TokenScope.FILE, TokenScope.CASES})
    if user.role is Role.ADMIN:
        return frozenset({TokenScope.READ, TokenScope.ADMIN})
    # Prosecutors and supervisors review and work cases; "admin" lets them decide registrations.
    return frozenset({TokenScope.READ, TokenScope.CASES, TokenScope.ADMIN})


@dataclass(frozen=True)
class Issued:
    token: ApiToken
    secret: str
    """Shown once, never stored."""


def _check(user: User, name: str, scopes: Collection[str], days: int) -> tuple[str, list[str]]:
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise Invalid(
            "Name the token (1 to %(max)d characters), such as the system that will use it.",
            {"name": translatable("Required, at most 100 characters.")},
            max=MAX_NAME,
        )
    wanted = set(scopes)
    unknown = sorted(wanted - {scope.value for scope in TokenScope})
    if unknown or not wanted:
        raise Invalid("Choose at least one scope of: read, file, cases, admin.", {"scopes": translatable("Choose.")})
    beyond = sorted(wanted - {scope.value for scope in allowed_scopes(user)})
    if beyond:
        raise Forbidden(
            "Your role does not allow a token the scopes %(scopes)s.",
            {"scopes": translatable("Beyond your role.")},
            scopes=", ".join(beyond),
        )
    if not 1 <= days <= MAX_DAYS:
        raise Invalid("A token lasts 1 to %(max)d days.", {"days": translatable("From 1 to 365 days.")}, max=MAX_DAYS)
    return name, sorted(wanted)


def create(
    session: Session,
    user: User,
    name: str,
    scopes: Collection[str],
    days: int = DEFAULT_DAYS,
    address: str = "",
    by_operator: bool = False,
) -> Issued:
    """A new token for ``user``, made by the user, or by an operator on the command line (``by_operator``)."""
    if not by_operator and two_factor.required(user) and not two_factor.enrolled(user):
        raise Forbidden("Set up two-factor sign-in on your account before you create a token.")
    name, wanted = _check(user, name, scopes, days)
    secret = PREFIX + new_secret()
    token = ApiToken(
        token_hash=digest(secret),
        user_id=user.id,
        name=name,
        scopes=wanted,
        expires_at=utcnow() + timedelta(days=days),
    )
    session.add(token)
    session.flush()
    account_log.record(
        session,
        AccountEventKind.TOKEN_CREATED,
        user,
        address=address,
        token_id=token.id,
        name=name,
        by_operator=by_operator,
    )
    session.commit()
    return Issued(token, secret)


@dataclass(frozen=True)
class Bearer:
    user: User
    scopes: frozenset[TokenScope]


def authenticate(session: Session, secret: str) -> Bearer | str:
    """The token's user and what it may do now; or why it does not work."""
    record = session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(secret)))
    if record is None or record.revoked_at is not None or not record.user.active:
        return "Send a valid API token: Authorization: Bearer <token>."
    now = utcnow()
    if record.expires_at <= now:
        return f"This token expired at {record.expires_at:%Y-%m-%d %H:%M} UTC; create a new one."
    if record.last_used_at is None or now - record.last_used_at > USE_RESOLUTION:
        record.last_used_at = now
        session.commit()
    scopes = frozenset(TokenScope(scope) for scope in record.scopes) & allowed_scopes(record.user)
    return Bearer(record.user, scopes)


def own(session: Session, user: User, window: Window | None = None) -> Page[ApiToken]:
    """The user's tokens that are not revoked, expired ones included, newest first."""
    query = (
        select(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .options(joinedload(ApiToken.user))
    )
    return paging.rows(session, query, ApiToken.id, window)


def of_organisation(session: Session, actor: User, window: Window | None = None) -> Page[ApiToken]:
    """Every member's tokens that are not revoked (organisation administrators)."""
    org_id = require_org_admin(actor)
    query = (
        select(ApiToken)
        .join(User, User.id == ApiToken.user_id)
        .where(User.org_id == org_id, ApiToken.revoked_at.is_(None))
        .options(joinedload(ApiToken.user))
    )
    return paging.rows(session, query, ApiToken.id, window)


def revoke(session: Session, actor: User, token_id: int, address: str = "") -> ApiToken:
    """Revoke the actor's own token, or, for an organisation's administrator, a member's."""
    token = session.get(ApiToken, token_id)
    mine = token is not None and token.user_id == actor.id
    member = token is not None and actor.is_org_admin and token.user.org_id == actor.org_id
    if token is None or not (mine or member):
        raise NotFound("There is no such token.")
    if token.revoked_at is None:
        token.revoked_at, token.revoked_by_id = utcnow(), actor.id
        account_log.record(
            session, AccountEventKind.TOKEN_REVOKED, token.user, actor=actor, address=address, token_id=token.id
        )
        session.commit()
    return token
