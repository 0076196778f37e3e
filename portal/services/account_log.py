"""The account log: sign-ins, failed sign-ins and every change to how an account is reached or secured."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, true
from sqlalchemy.orm import Session, joinedload

from portal.models import AccountEvent, AccountEventKind, User
from portal.services import paging
from portal.services.access import ADMINS, require_org_admin, require_role
from portal.services.paging import Page, Window


def record(
    session: Session,
    kind: AccountEventKind,
    user: User | None,
    *,
    actor: User | None = None,
    address: str = "",
    org_id: int | None = None,
    **detail: Any,
) -> None:
    """Add a line to the caller's transaction: it is kept exactly when what it records is. It goes to the
    organisation of ``user`` (or ``org_id`` when there is no user yet, as for an invitation)."""
    session.add(
        AccountEvent(
            kind=kind,
            user_id=user.id if user else None,
            org_id=user.org_id if user else org_id,
            actor_id=actor.id if actor and actor is not user else None,
            address=address[:45],
            detail=detail,
        )
    )


def _page(session: Session, where: Any, window: Window | None) -> Page[AccountEvent]:
    query = select(AccountEvent).where(where).options(joinedload(AccountEvent.user), joinedload(AccountEvent.actor))
    return paging.rows(session, query, AccountEvent.id, window)


def own(session: Session, user: User, window: Window | None = None) -> Page[AccountEvent]:
    """What happened to the user's own account, newest first."""
    return _page(session, AccountEvent.user_id == user.id, window)


def of_organisation(session: Session, actor: User, window: Window | None = None) -> Page[AccountEvent]:
    """The organisation's log (its administrators): its members' sign-ins, tokens, invitations and roles."""
    return _page(session, AccountEvent.org_id == require_org_admin(actor), window)


def everything(session: Session, actor: User, window: Window | None = None) -> Page[AccountEvent]:
    """Every account's log, staff accounts included (admins)."""
    require_role(actor, ADMINS)
    return _page(session, true(), window)
