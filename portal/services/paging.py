"""Lists a page at a time, by key: each page starts after the last row of the one before, so a page costs the
same however deep it is, and rows added meanwhile neither repeat nor go missing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select
from sqlalchemy.orm import Session

T = TypeVar("T")


@dataclass(frozen=True)
class Window:
    after: int | None
    """The key the page starts after (a row id, or a position in a list worked out whole)."""
    limit: int


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_after: int | None
    """Where the next page starts; None on the last."""


def rows(session: Session, query: Select[Any], key: Any, window: Window | None, newest_first: bool = True) -> Page[Any]:
    """The page of ``query`` ordered by ``key`` (a unique column, the id), newest first unless told otherwise."""
    order = key.desc() if newest_first else key.asc()
    if window is None:
        return Page(list(session.scalars(query.order_by(order))), None)
    if window.after is not None:
        query = query.where(key < window.after if newest_first else key > window.after)
    found = list(session.scalars(query.order_by(order).limit(window.limit + 1)))
    more = len(found) > window.limit
    items = found[: window.limit]
    return Page(items, getattr(items[-1], key.key) if more else None)


def listed(items: Sequence[T], window: Window | None) -> Page[T]:
    """A page of a list that is worked out whole; the key is the position in it."""
    if window is None:
        return Page(list(items), None)
    start = window.after or 0
    end = start + window.limit
    return Page(list(items[start:end]), end if end < len(items) else None)
