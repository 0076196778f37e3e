"""An organisation's members, and the staff: invited by e-mail, given a role, removed.

Nobody types a password for someone else: an invitation's single-use link lets the invited person choose
their own. A removed member's sessions end and their tokens are revoked in the same transaction, so they
stop working at once; the last administrator of an organisation can neither leave nor lose the role.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, delete, func, select, update
from sqlalchemy.orm import Session

from portal.models import (
    AccountEventKind,
    ApiToken,
    Channel,
    Invitation,
    LoginSession,
    OrgRole,
    OrgStatus,
    OutboxMessage,
    Role,
    User,
    utcnow,
)
from portal.services import account_log, paging
from portal.services.access import ADMINS, require_org_admin, require_role
from portal.services.credentials import digest, mailable_email
from portal.services.errors import Conflict, Invalid, NotFound, translatable
from portal.services.paging import Page, Window
from portal.services.passwords import check_new_password, hash_password

SPENT = translatable("This invitation has expired, was withdrawn or was already accepted. Ask for a new one.")


def members(session: Session, actor: User, window: Window | None = None) -> Page[User]:
    """The active members of the actor's organisation, in the order they joined."""
    if actor.org_id is None:
        raise NotFound("You do not belong to an organisation.")
    query = select(User).where(User.org_id == actor.org_id, User.active.is_(True))
    return paging.rows(session, query, User.id, window, newest_first=False)


def pending(session: Session, actor: User, window: Window | None = None) -> Page[Invitation]:
    """Invitations not yet accepted, withdrawn or expired: an organisation's (administrators) or the staff's
    (admins)."""
    now = utcnow()
    query = select(Invitation).where(
        Invitation.accepted_at.is_(None),
        Invitation.revoked_at.is_(None),
        (Invitation.expires_at.is_(None)) | (Invitation.expires_at > now),
    )
    if actor.role is Role.ADMIN:
        query = query.where(Invitation.org_id.is_(None))
    else:
        query = query.where(Invitation.org_id == require_org_admin(actor))
    return paging.rows(session, query, Invitation.id, window)


def _check_invitable(session: Session, email: str, org_id: int | None) -> None:
    holder = session.scalar(select(User).where(User.email == email))
    if holder is not None and (holder.active or holder.org_id != org_id or org_id is None):
        raise Conflict("An account with this e-mail already exists.", {"email": translatable("Already registered.")})


def _invite(
    session: Session, actor: User, email: str, role: Role, org_role: OrgRole | None, org_id: int | None, address: str
) -> Invitation:
    email = mailable_email(email)
    _check_invitable(session, email, org_id)
    now = utcnow()
    # Inviting the same address again replaces the earlier invitation.
    session.execute(
        update(Invitation)
        .where(
            Invitation.email == email,
            Invitation.org_id.is_(None) if org_id is None else Invitation.org_id == org_id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    invitation = Invitation(email=email, org_id=org_id, role=role, org_role=org_role, invited_by_id=actor.id)
    session.add(invitation)
    session.flush()
    body = {"purpose": "invitation", "to": email, "invitation_id": invitation.id, "asked_at": now.isoformat()}
    session.add(OutboxMessage(channel=Channel.ACCOUNT_EMAIL, kind=None, body=body))
    detail = {"email": email, "role": (org_role or role).value, "invitation_id": invitation.id}
    account_log.record(
        session, AccountEventKind.MEMBER_INVITED, None, actor=actor, address=address, org_id=org_id, **detail
    )
    session.commit()
    return invitation


def invite(session: Session, actor: User, email: str, org_role: OrgRole, address: str = "") -> Invitation:
    """An organisation's administrator invites a colleague."""
    org_id = require_org_admin(actor)
    return _invite(session, actor, email, Role.HOLDER, org_role, org_id, address)


def invite_staff(session: Session, actor: User, email: str, role: Role, address: str = "") -> Invitation:
    """An admin invites a prosecutor, supervisor or admin."""
    require_role(actor, ADMINS)
    if not role.is_staff:
        raise Invalid("Staff are prosecutors, supervisors or admins.", {"role": translatable("Choose a staff role.")})
    return _invite(session, actor, email, role, None, None, address)


def withdraw(session: Session, actor: User, invitation_id: int, address: str = "") -> Invitation:
    invitation = session.get(Invitation, invitation_id)
    allowed = invitation is not None and (
        (invitation.org_id is None and actor.role is Role.ADMIN)
        or (invitation.org_id is not None and actor.is_org_admin and invitation.org_id == actor.org_id)
    )
    if invitation is None or not allowed:
        raise NotFound("There is no such invitation.")
    if invitation.accepted_at is not None:
        raise Conflict("This invitation was already accepted; remove the member instead.")
    if invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
        account_log.record(
            session,
            AccountEventKind.INVITATION_REVOKED,
            None,
            actor=actor,
            address=address,
            org_id=invitation.org_id,
            email=invitation.email,
            invitation_id=invitation.id,
        )
        session.commit()
    return invitation


def _usable(token: str) -> tuple[ColumnElement[bool], ...]:
    return (
        Invitation.token_hash == digest(token),
        Invitation.accepted_at.is_(None),
        Invitation.revoked_at.is_(None),
        Invitation.expires_at > utcnow(),
    )


def invitation_for(session: Session, token: str) -> Invitation | None:
    """The invitation a link is for, while it can still be accepted."""
    return session.scalar(select(Invitation).where(*_usable(token)))


def accept(session: Session, token: str, name: str, password: str, address: str = "") -> User:
    """Make the invited person's account, with the password they chose; the link works once."""
    spent = session.execute(
        update(Invitation).where(*_usable(token)).values(accepted_at=utcnow()).returning(Invitation.id)
    ).scalar_one_or_none()
    if spent is None:
        session.rollback()
        raise Invalid(SPENT, {"token": translatable("Expired or already used.")})
    invitation = session.get_one(Invitation, spent)
    org = invitation.organisation
    try:
        check_new_password(password, invitation.email)
        if org is not None and org.status is not OrgStatus.APPROVED:
            raise Conflict("The organisation that invited you is not approved.")
    except (Invalid, Conflict):
        session.rollback()  # the link stays unspent
        raise
    user = session.scalar(select(User).where(User.email == invitation.email))
    if user is None:
        user = User(email=invitation.email, role=invitation.role, org_id=invitation.org_id)
        session.add(user)
    # A member removed earlier and invited back gets their account again, with the new role.
    user.active, user.name = True, name.strip()[:200]
    user.org_role, user.role = invitation.org_role, invitation.role
    user.password_hash = hash_password(password)
    user.language = org.language if org is not None else invitation.invited_by.language
    user.email_verified_at = utcnow()  # the link came to this address
    session.flush()
    invitation.user_id = user.id
    account_log.record(session, AccountEventKind.INVITATION_ACCEPTED, user, address=address, invitation_id=spent)
    session.commit()
    return user


def get_member(session: Session, actor: User, user_id: int) -> User:
    """A member of the organisation the actor administers."""
    org_id = require_org_admin(actor)
    user = session.get(User, user_id)
    if user is None or user.org_id != org_id or not user.active:
        raise NotFound("There is no such member.")
    return user


def _other_admins(session: Session, user: User) -> int:
    return (
        session.scalar(
            select(func.count()).where(
                User.org_id == user.org_id, User.active.is_(True), User.org_role == OrgRole.ADMIN, User.id != user.id
            )
        )
        or 0
    )


def change_role(session: Session, actor: User, user_id: int, org_role: OrgRole, address: str = "") -> User:
    user = get_member(session, actor, user_id)
    if user.org_role is OrgRole.ADMIN and org_role is not OrgRole.ADMIN and not _other_admins(session, user):
        raise Conflict("An organisation keeps at least one administrator; make another member one first.")
    if user.org_role is not org_role:
        previous = user.org_role
        user.org_role = org_role
        account_log.record(
            session,
            AccountEventKind.MEMBER_ROLE_CHANGED,
            user,
            actor=actor,
            address=address,
            role=org_role.value,
            previous=previous.value if previous else None,
        )
        session.commit()
    return user


def remove(session: Session, actor: User, user_id: int, address: str = "") -> User:
    """The member can no longer sign in; their sessions end and their tokens are revoked, at once."""
    user = get_member(session, actor, user_id)
    if user.org_role is OrgRole.ADMIN and not _other_admins(session, user):
        raise Conflict("An organisation keeps at least one administrator; make another member one first.")
    now = utcnow()
    user.active = False
    session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now, revoked_by_id=actor.id)
    )
    account_log.record(session, AccountEventKind.MEMBER_REMOVED, user, actor=actor, address=address)
    session.commit()
    return user
