"""Optimistic concurrency: a change names the version it was made on, and is refused if another came first.

The version is raised by a conditional UPDATE before anything else in the transaction, so of two people
who read the same version and change it at once, exactly one succeeds; the other is told to read again.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from portal.services.errors import PreconditionFailed


def advance(session: Session, row: Any, expected: Collection[int] | None, attr: str = "version") -> None:
    """Raise ``row``'s version; if ``expected`` is given, only from one of those versions."""
    model = type(row)
    column = getattr(model, attr)
    statement = update(model).where(model.id == row.id).values({attr: column + 1})
    if expected is not None:
        statement = statement.where(column.in_(list(expected)))
    if session.execute(statement).rowcount == 0:  # type: ignore[attr-defined]
        raise PreconditionFailed("It was changed since you read it; read it again and redo your change.")
    session.refresh(row, [attr])
