"""Cursors of lists paged by key: every position comes back exactly, and a cursor not made here is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from portal.services.errors import Invalid
from portal.services.paging import Position


def test_a_cursor_gives_back_its_position_to_the_microsecond() -> None:
    start = datetime(2026, 11, 30, 13, 7, 3, 999_999, tzinfo=UTC)
    for step in range(2000):  # a float of seconds would round some of these
        at = start + timedelta(microseconds=7_919 * step, days=step)
        for before in (False, True):
            assert Position.of(Position(at, step + 1, before).token()) == Position(at, step + 1, before)
    assert Position.of(Position(41, 7).token()) == Position(41, 7)


@pytest.mark.parametrize("token", ["x!", "bm90LWEtY3Vyc29y", "YXgxLjI", "YW4xLg", "===="])
def test_a_cursor_not_made_by_the_portal_is_refused(token: str) -> None:
    with pytest.raises(Invalid) as refused:
        Position.of(token, "cursor")
    assert refused.value.fields == {"cursor": "Not a cursor."}
