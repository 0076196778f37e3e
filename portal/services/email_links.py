"""Single-use links sent by e-mail: confirming an address, and resetting a forgotten password.

A link carries 256 random bits; only their SHA-256 is stored, and the outbox forgets the link once its mail
is sent. Following a link spends it in one conditional UPDATE, so of two clicks exactly one counts. A link is
made by the worker when it sends the mail, so asking for a reset costs the request the same whether the
address has an account or not, and a link's hour starts when it leaves.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from portal.models import (
    AccountEventKind,
    AccountLink,
    ApiToken,
    Channel,
    Invitation,
    LinkPurpose,
    LoginSession,
    OutboxMessage,
    User,
    utcnow,
)
from portal.services import account_log
from portal.services.credentials import digest, mailable_email, new_secret
from portal.services.errors import Conflict, Invalid, translatable
from portal.services.passwords import check_new_password, check_password, hash_password

LIFETIME = {
    LinkPurpose.RESET_PASSWORD: timedelta(hours=1),
    LinkPurpose.VERIFY_EMAIL: timedelta(days=2),
    LinkPurpose.INVITATION: timedelta(days=7),
}
SPENT = translatable("This link has expired or was already used. Ask for a new one.")


def _queue(session: Session, purpose: LinkPurpose, to: str, user: User | None) -> None:
    """Ask the worker to mail a link. The link itself is made when the mail is sent (:func:`prepare`), so a
    request costs the same whether or not there is anyone to send it to."""
    body = {"purpose": purpose.value, "to": to, "user_id": user.id if user else None, "asked_at": utcnow().isoformat()}
    session.add(OutboxMessage(channel=Channel.ACCOUNT_EMAIL, kind=None, body=body))


def prepare(session: Session, message: OutboxMessage, now: datetime) -> str | None:
    """Make the link an account mail carries, once; or say why the mail is not to be sent."""
    body = message.body
    if "token" in body:
        return None  # a retry sends the link made for the first attempt
    purpose = LinkPurpose(body["purpose"])
    if datetime.fromisoformat(body["asked_at"]) + LIFETIME[purpose] <= now:
        return "Asked for longer ago than the link would have worked; not sent."
    if purpose is LinkPurpose.INVITATION:
        return _prepare_invitation(session, message, now)
    user = session.get(User, body["user_id"]) if body["user_id"] else None
    if user is None or not user.active:
        return "No active account uses this address; nothing was sent."
    session.execute(
        update(AccountLink)
        .where(AccountLink.user_id == user.id, AccountLink.purpose == purpose, AccountLink.used_at.is_(None))
        .values(used_at=now)
    )
    token, expires = new_secret(), now + LIFETIME[purpose]
    session.add(
        AccountLink(token_hash=digest(token), purpose=purpose, user_id=user.id, email=body["to"], expires_at=expires)
    )
    message.body = {
        **body,
        "token": token,
        "expires_at": expires.isoformat(),
        "language": user.language,
        "timezone": user.timezone,
    }
    # The link exists before the mail that carries it leaves.
    session.commit()
    return None


def _prepare_invitation(session: Session, message: OutboxMessage, now: datetime) -> str | None:
    invitation = session.get(Invitation, message.body["invitation_id"])
    if invitation is None or invitation.revoked_at is not None or invitation.accepted_at is not None:
        return "The invitation was withdrawn or accepted before it could be sent."
    token = new_secret()
    invitation.token_hash = digest(token)
    invitation.expires_at = now + LIFETIME[LinkPurpose.INVITATION]
    inviter, org = invitation.invited_by, invitation.organisation
    message.body = {
        **message.body,
        "token": token,
        "expires_at": invitation.expires_at.isoformat(),
        "language": org.language if org is not None else inviter.language,
        "timezone": inviter.timezone,
        "inviter": inviter.name or inviter.email,
        "organisation": org.legal_name if org is not None else "",
        "role": (invitation.org_role or invitation.role).value,
    }
    session.commit()
    return None


def _spend(session: Session, token: str, purpose: LinkPurpose) -> AccountLink:
    now = utcnow()
    spent = session.execute(
        update(AccountLink)
        .where(
            AccountLink.token_hash == digest(token),
            AccountLink.purpose == purpose,
            AccountLink.used_at.is_(None),
            AccountLink.expires_at > now,
        )
        .values(used_at=now)
        .returning(AccountLink.id)
    ).scalar_one_or_none()
    if spent is None:
        session.rollback()
        raise Invalid(SPENT, {"token": translatable("Expired or already used.")})
    link = session.get_one(AccountLink, spent)
    if not link.user.active:
        session.rollback()
        raise Invalid(SPENT, {"token": translatable("Expired or already used.")})
    return link


def usable(session: Session, token: str, purpose: LinkPurpose) -> bool:
    """Whether the link would work now (to show its form, or say at once that it will not)."""
    found = session.scalar(
        select(AccountLink.id).where(
            AccountLink.token_hash == digest(token),
            AccountLink.purpose == purpose,
            AccountLink.used_at.is_(None),
            AccountLink.expires_at > utcnow(),
        )
    )
    return found is not None


def send_verification(session: Session, user: User) -> None:
    """Ask the new user to confirm their address (at registration, and when they ask again)."""
    if user.email_verified_at is not None:
        raise Conflict("Your e-mail address is already confirmed.")
    _queue(session, LinkPurpose.VERIFY_EMAIL, user.email, user)
    session.commit()


def ask_email_change(session: Session, user: User, new_email: str, password: str, address: str = "") -> None:
    """The address changes only once its owner follows the link sent to it; until then the old one stays."""
    email = mailable_email(new_email)
    if not check_password(user.password_hash, password):
        raise Invalid("The password is wrong.", {"password": translatable("Wrong password.")})
    if email == user.email:
        raise Invalid("This is already your address.", {"email": translatable("Your current address.")})
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict("An account with this e-mail already exists.", {"email": translatable("Already registered.")})
    _queue(session, LinkPurpose.VERIFY_EMAIL, email, user)
    account_log.record(session, AccountEventKind.EMAIL_CHANGE_ASKED, user, address=address, new_email=email)
    session.commit()


def confirm_email(session: Session, token: str, address: str = "") -> User:
    link = _spend(session, token, LinkPurpose.VERIFY_EMAIL)
    user = link.user
    if link.email != user.email:
        if session.scalar(select(User.id).where(User.email == link.email)) is not None:
            session.rollback()
            raise Conflict("Another account took this address in the meantime.")
        account_log.record(session, AccountEventKind.EMAIL_CONFIRMED, user, address=address, old_email=user.email)
        user.email = link.email
    else:
        account_log.record(session, AccountEventKind.EMAIL_CONFIRMED, user, address=address)
    user.email_verified_at = utcnow()
    session.commit()
    return user


def ask_password_reset(session: Session, email: str, address: str = "") -> None:
    """Send a reset link if the address has an active account; the same statements run either way."""
    wanted = mailable_email(email)
    user = session.scalar(select(User).where(User.email == wanted, User.active.is_(True)))
    _queue(session, LinkPurpose.RESET_PASSWORD, wanted, user)
    account_log.record(session, AccountEventKind.PASSWORD_RESET_ASKED, user, address=address, email=wanted)
    session.commit()


def reset_password(session: Session, token: str, password: str, address: str = "") -> list[ApiToken]:
    """Set the new password and end every session; the API tokens stay, and are returned to be shown."""
    link = _spend(session, token, LinkPurpose.RESET_PASSWORD)
    user = link.user
    try:
        check_new_password(password, user.email)
    except Invalid:
        session.rollback()  # the link stays unspent, so the user can choose another password
        raise
    user.password_hash = hash_password(password)
    # Following the link proves the address too.
    user.email_verified_at = user.email_verified_at or utcnow()
    session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    account_log.record(session, AccountEventKind.PASSWORD_RESET, user, address=address)
    session.commit()
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)))
