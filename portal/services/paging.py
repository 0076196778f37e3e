"""Lists a page at a time, by key: each page starts after the last row of the one before, so a page costs the
same however deep it is, and rows added meanwhile neither repeat nor go missing."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, literal, select, tuple_
from sqlalchemy.orm import InstrumentedAttribute, Session

from portal.services.errors import Invalid

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


# --- lists ordered by a time or a number, then the id, both ways -----------------------------------


# Times go in cursors as whole microseconds since the epoch: a float would round some of them.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class Position:
    """A row's place in a list ordered by (a time or a number, its id), and which way to page from it."""

    at: datetime | int
    id: int
    before: bool = False
    """The page that comes before this row, rather than the one after it."""

    def token(self) -> str:
        """The opaque cursor a link carries."""
        value = f"t{(self.at - EPOCH) // MICROSECOND}" if isinstance(self.at, datetime) else f"n{self.at}"
        raw = f"{'b' if self.before else 'a'}{value}.{self.id}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def of(cls, token: str | None, field: str = "cursor") -> Position | None:
        """The position a cursor names; a cursor the portal did not make is refused by name."""
        if not token:
            return None
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("ascii")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raw = ""
        found = re.fullmatch(r"([ab])([tn])(\d{1,17})\.(\d{1,18})", raw)
        if found is None:
            raise Invalid("Take the cursor from a next or previous link.", {field: "Not a cursor."})
        number = int(found.group(3))
        at = EPOCH + number * MICROSECOND if found.group(2) == "t" else number
        return cls(at, int(found.group(4)), found.group(1) == "b")


@dataclass(frozen=True)
class KeyPage(Generic[T]):
    items: list[T]
    next: Position | None
    previous: Position | None


def by_key(
    session: Session,
    query: Select[Any],
    at: InstrumentedAttribute[Any],
    key: InstrumentedAttribute[int],
    position: Position | None,
    limit: int,
    newest_first: bool = True,
    read: Callable[[Any], tuple[Any, int]] | None = None,
) -> KeyPage[Any]:
    """The page of ``query`` at ``position`` in the order of (``at``, ``key``), largest first unless told
    otherwise. A composite index on the two columns makes any page cost what the first does. ``read`` gives
    a row's (``at``, ``key``) where the row is not of the columns' own model."""
    backwards = position is not None and position.before
    descending = newest_first != backwards
    if position is not None:
        mark = tuple_(at, key)
        point = tuple_(literal(position.at, at.type), literal(position.id, key.type))
        query = query.where(mark < point if descending else mark > point)
    order = (at.desc(), key.desc()) if descending else (at.asc(), key.asc())
    found = list(session.scalars(query.order_by(*order).limit(limit + 1)))
    more = len(found) > limit
    items = found[:limit]
    if backwards:
        items.reverse()
    if not items:
        return KeyPage(items, None, None)
    read = read or (lambda row: (getattr(row, at.key), getattr(row, key.key)))
    last_at, last_key = read(items[-1])
    first_at, first_key = read(items[0])
    after, before = Position(last_at, last_key), Position(first_at, first_key, before=True)
    has_next = more if not backwards else True
    has_previous = more if backwards else position is not None
    return KeyPage(items, after if has_next else None, before if has_previous else None)


@dataclass(frozen=True)
class Count:
    """How many rows match, counted up to a ceiling so that counting costs the same however many there are."""

    value: int
    exact: bool


def count_up_to(session: Session, query: Select[Any], ceiling: int = 10_000) -> Count:
    found = session.scalar(select(func.count()).select_from(query.limit(ceiling + 1).subquery())) or 0
    return Count(min(found, ceiling), found <= ceiling)
