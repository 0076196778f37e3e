"""Canonical JSON: the standard library's fast path writes exactly what RFC 8785 does, for any value it takes."""

from __future__ import annotations

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from evidence.records import SAFE_INTEGER, canonical

# Everything the fast path may take, and beside it what it must leave to rfc8785.
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-SAFE_INTEGER, max_value=SAFE_INTEGER)
    | st.text()  # any code point: controls, quotes, backslashes, U+2028, astral characters
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=30,
)


@settings(max_examples=600, deadline=None)
@given(values)
def test_canonical_json_is_rfc_8785_for_any_value(value: object) -> None:
    assert canonical(value) == rfc8785.dumps(value)


def test_what_the_fast_path_leaves_to_rfc_8785_is_written_by_it() -> None:
    assert canonical({"a": 1.5}) == b'{"a":1.5}'
    # U+1F600 sorts before U+FF61 in UTF-16 (a surrogate, 0xD83D), after it by code point.
    assert canonical({"\uff61": 2, "\U0001f600": 1}) == '{"\U0001f600":1,"\uff61":2}'.encode()
    with pytest.raises(rfc8785.IntegerDomainError):
        canonical({"size": 2**60})
