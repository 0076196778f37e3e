"""The account log: sign-ins, failed sign-ins and every change to how an account is reached or secured."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from portal.models import AccountEvent, AccountEventKind, User


def record(
    session: Session,
    kind: AccountEventKind,
    user: User | None,
    *,
    actor: User | None = None,
    address: str = "",
    **detail: Any,
) -> None:
    """Add a line to the caller's transaction: it is kept exactly when what it records is."""
    session.add(
        AccountEvent(
            kind=kind,
            user_id=user.id if user else None,
            org_id=user.org_id if user else None,
            actor_id=actor.id if actor and actor is not user else None,
            address=address[:45],
            detail=detail,
        )
    )
