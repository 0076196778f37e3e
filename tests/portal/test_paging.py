"""Cursors of lists paged by key: every position comes back exactly, and a cursor not made here is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask

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


def test_a_pagers_links_carry_the_lists_own_arguments_and_the_cursor(app: Flask) -> None:
    import re
    from urllib.parse import parse_qs, urlsplit

    from portal.services.paging import KeyPage

    page = KeyPage([1], Position(5, 9), Position(3, 7, before=True))
    with app.test_request_context():
        pager = app.jinja_env.get_template("macros.html").module.key_pager  # type: ignore[attr-defined]
        shown = str(pager(page, "review.complaint", "Earlier", "Later", param="evidence", anchor="#evidence",
                          complaint_id=12))  # fmt: skip
        last = str(pager(KeyPage([1], None, None), "review.search_complaints", "Previous", "Next", q="假货"))
    links = dict(re.findall(r'<a rel="(prev|next)" href="([^"]+)"', shown.replace("&amp;", "&")))
    for rel, position in (("prev", page.previous), ("next", page.next)):
        url = urlsplit(links[rel])
        assert url.path == "/review/complaints/12" and url.fragment == "evidence"
        assert parse_qs(url.query) == {"evidence": [position.token()]}  # type: ignore[union-attr]
    assert "<nav" not in last  # a list on one page has no pager
