"""Organisations, users, sign-in sessions and API tokens."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import available_timezones

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, selectinload

from portal.models import AccountEventKind, LoginSession, Organisation, OrgKind, OrgRole, OrgStatus, Role, User, utcnow
from portal.services import account_log, email_links, paging, versions
from portal.services.access import ORG_DECIDERS, require_role
from portal.services.credentials import digest, new_secret, normalise_email
from portal.services.errors import Conflict, Invalid, NotFound
from portal.services.paging import Page, Window
from portal.services.passwords import check_new_password, check_password, hash_password

LANGUAGES = ("en", "zh")
# Every IANA zone but the GMT offsets, whose POSIX signs run backwards (Etc/GMT+8 is UTC-8) and whose
# names clash once a generated client turns them into identifiers.
SEEN_RESOLUTION = timedelta(minutes=1)
# A browser left alone this long is signed out.
SESSION_IDLE = timedelta(days=14)
TIMEZONES = frozenset(zone for zone in available_timezones() if not re.search(r"GMT[+-]?\d", zone))


def _check_email_free(session: Session, email: str) -> None:
    if session.scalar(select(func.count()).where(User.email == email)):
        raise Conflict("An account with this e-mail already exists.", {"email": "Already registered."})


@dataclass(frozen=True)
class Registration:
    legal_name: str
    legal_name_latin: str
    country: str
    is_foreign: bool
    registration_number: str
    contact_email: str
    language: str
    user_email: str
    password: str
    timezone: str = "UTC"
    kind: OrgKind = OrgKind.RIGHTS_HOLDER


def register_organisation(session: Session, reg: Registration) -> Organisation:
    """A pending organisation and its first member; filing waits for approval."""
    email = normalise_email(reg.user_email)
    _check_email_free(session, email)
    check_new_password(reg.password, email)
    _check_preferences(reg.language, reg.timezone)
    org = Organisation(
        legal_name=reg.legal_name.strip(),
        legal_name_latin=reg.legal_name_latin.strip(),
        country=reg.country.upper(),
        is_foreign=reg.is_foreign,
        registration_number=reg.registration_number.strip(),
        contact_email=normalise_email(reg.contact_email),
        language=reg.language,
        kind=reg.kind,
        status=OrgStatus.PENDING,
    )
    session.add(org)
    session.add(
        User(
            email=email,
            password_hash=hash_password(reg.password),
            role=Role.HOLDER,
            organisation=org,
            language=reg.language,
            timezone=reg.timezone,
            org_role=OrgRole.ADMIN,
        )
    )
    session.flush()
    email_links.send_verification(session, org.members[0])
    return org


def create_organisation(
    session: Session, name: str, country: str, domestic: bool, kind: OrgKind = OrgKind.RIGHTS_HOLDER
) -> Organisation:
    """An organisation approved from the start (operator command)."""
    if len(country) != 2 or not country.isalpha():
        raise Invalid(f"Country must be a two-letter ISO code, not {country!r}.")
    org = Organisation(
        legal_name=name,
        legal_name_latin=name,
        country=country.upper(),
        is_foreign=not domestic,
        kind=kind,
        status=OrgStatus.APPROVED,
        decided_at=utcnow(),
    )
    session.add(org)
    session.commit()
    return org


def pending_organisations(session: Session, actor: User) -> list[Organisation]:
    require_role(actor, ORG_DECIDERS)
    return list(
        session.scalars(
            select(Organisation)
            .where(Organisation.status == OrgStatus.PENDING)
            .order_by(Organisation.created_at)
            .options(selectinload(Organisation.members))
        )
    )


def decide_organisation(session: Session, actor: User, org_id: int, approve: bool, reason: str = "") -> Organisation:
    require_role(actor, ORG_DECIDERS)
    org = session.get(Organisation, org_id)
    if org is None:
        raise NotFound("There is no such organisation.")
    if org.status is not OrgStatus.PENDING:
        raise Conflict("This registration has already been decided.")
    if not approve and not reason.strip():
        raise Invalid("Give a reason for the rejection.", {"reason": "Required when rejecting."})
    if approve and not any(member.email_verified_at for member in org.members):
        # Else anyone could register in another's name with an address they do not hold.
        raise Conflict("The registrant has not confirmed their e-mail address yet; approve once they have.")
    org.status = OrgStatus.APPROVED if approve else OrgStatus.REJECTED
    org.decision_reason = reason.strip()
    org.decided_at = utcnow()
    org.decided_by_id = actor.id
    session.commit()
    return org


def create_user(session: Session, email: str, password: str, role: Role, org_id: int | None) -> User:
    """A user (operator command); an organisation's first member becomes its admin, as at registration."""
    email = normalise_email(email)
    _check_email_free(session, email)
    check_new_password(password, email)
    if role is Role.HOLDER:
        if org_id is None or session.get(Organisation, org_id) is None:
            raise Invalid("A rights-holder user needs an existing organisation (--org-id).")
    elif org_id is not None:
        raise Invalid("Staff users do not belong to a rights-holder organisation.")
    first_member = org_id is not None and not session.scalar(select(func.count()).where(User.org_id == org_id))
    user = User(
        email=email,
        password_hash=hash_password(password),
        role=role,
        org_id=org_id,
        org_role=(OrgRole.ADMIN if first_member else OrgRole.MEMBER) if org_id is not None else None,
        email_verified_at=utcnow(),  # the operator vouches for the address
    )
    session.add(user)
    session.commit()
    return user


def staff_users(session: Session, window: Window | None = None) -> Page[User]:
    """Prosecutors, supervisors and administrators, in the order their accounts were made."""
    return paging.rows(session, select(User).where(User.role != Role.HOLDER), User.id, window, newest_first=False)


def authenticate(session: Session, email: str, password: str, address: str = "") -> User | None:
    """The user with this address and password, or None; either way the account log has a line."""
    wanted = normalise_email(email)
    user = session.scalar(select(User).where(User.email == wanted))
    ok = check_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.active:
        account_log.record(session, AccountEventKind.SIGN_IN_FAILED, user, address=address, email=wanted)
        session.commit()
        return None
    return user


def start_login_session(session: Session, user: User, address: str = "", user_agent: str = "") -> str:
    """A new signed-in session; the returned value goes in the (signed) cookie."""
    token = new_secret()
    # Sessions idle too long no longer work; they go when their user next signs in.
    idle = utcnow() - SESSION_IDLE
    session.execute(delete(LoginSession).where(LoginSession.user_id == user.id, LoginSession.last_seen_at < idle))
    session.add(
        LoginSession(token_hash=digest(token), user_id=user.id, address=address[:45], user_agent=user_agent[:300])
    )
    account_log.record(session, AccountEventKind.SIGNED_IN, user, address=address)
    session.commit()
    return token


def user_for_login_session(session: Session, token: str) -> User | None:
    record = session.scalar(select(LoginSession).where(LoginSession.token_hash == digest(token)))
    now = utcnow()
    if record is None or not record.user.active or now - record.last_seen_at > SESSION_IDLE:
        return None
    if now - record.last_seen_at > SEEN_RESOLUTION:
        record.last_seen_at = now
        session.commit()
    return record.user


def end_login_session(session: Session, token: str) -> None:
    session.execute(delete(LoginSession).where(LoginSession.token_hash == digest(token)))
    session.commit()


def login_sessions(session: Session, user: User) -> list[LoginSession]:
    """The browsers signed in as the user, most recently seen first (few: idle ones end)."""
    query = select(LoginSession).where(
        LoginSession.user_id == user.id, LoginSession.last_seen_at >= utcnow() - SESSION_IDLE
    )
    return list(session.scalars(query.order_by(LoginSession.last_seen_at.desc())))


def end_login_session_of(session: Session, user: User, session_id: int, address: str = "") -> None:
    """Sign out one of the user's browsers, by the id the sessions list shows."""
    ended = session.execute(delete(LoginSession).where(LoginSession.id == session_id, LoginSession.user_id == user.id))
    if not ended.rowcount:  # type: ignore[attr-defined]
        session.rollback()
        raise NotFound("There is no such session.")
    account_log.record(session, AccountEventKind.SESSION_ENDED, user, address=address, session_id=session_id)
    session.commit()


def change_password(
    session: Session, user: User, current: str, new: str, address: str = "", user_agent: str = ""
) -> str:
    """Set a new password, sign out every session of the user, return a fresh one."""
    if not check_password(user.password_hash, current):
        raise Invalid("The current password is wrong.", {"current_password": "Wrong password."})
    check_new_password(new, user.email, "new_password")
    user.password_hash = hash_password(new)
    session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    account_log.record(session, AccountEventKind.PASSWORD_CHANGED, user, address=address)
    session.commit()
    return start_login_session(session, user, address, user_agent)


def _check_preferences(language: str, timezone: str) -> None:
    if language not in LANGUAGES:
        raise Invalid("Unsupported language.", {"language": "Choose English or Chinese."})
    if timezone not in TIMEZONES:
        raise Invalid("Unknown time zone.", {"timezone": "Choose a time zone from the list."})


def set_preferences(
    session: Session,
    user: User,
    language: str,
    timezone: str,
    name: str | None = None,
    expected: Collection[int] | None = None,
) -> None:
    """The language pages and e-mails are in, the time zone times are shown in, and the name to address."""
    _check_preferences(language, timezone)
    versions.advance(session, user, expected)
    user.language = language
    user.timezone = timezone
    if name is not None:
        user.name = name.strip()
    session.commit()
