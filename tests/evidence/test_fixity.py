"""Self-healing storage and checked reads, against both stores: damaged objects are never trusted."""

from __future__ import annotations

import hashlib
import os
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from evidence import errors
from evidence.fixity import Damage, check, rehash, restore, verified
from evidence.ingest import ingest
from evidence.stores import Listed, Store, Stored, derived_key, object_key
from tests.damage import flip_a_byte, read_all
from tests.evidence.test_ingest import LIMIT, chunks, staged_leftovers
from tests.factories import PDF_BYTES

MiB = 1024 * 1024
SMALL = PDF_BYTES + b"%small"
LARGE = PDF_BYTES + b"\n%" + bytes(range(256)) * (6 * MiB // 256)  # more than one S3 part


def upload(store: Store, data: bytes, declare: bool = False) -> object:
    digest = hashlib.sha256(data).hexdigest() if declare else None
    return ingest(chunks(data, MiB), store, max_bytes=LIMIT, expected_sha256=digest)


@pytest.mark.parametrize(
    ("data", "declare"), [(SMALL, False), (LARGE, False), (LARGE, True)], ids=["small", "staged", "declared"]
)
def test_the_next_intact_copy_repairs_a_damaged_object(store: Store, data: bytes, declare: bool) -> None:
    sha256 = hashlib.sha256(data).hexdigest()
    first = upload(store, data, declare)
    assert first.stored is Stored.CREATED  # type: ignore[attr-defined]
    again = upload(store, data, declare)
    assert again.stored is Stored.KEPT and again.replaced is None  # type: ignore[attr-defined]

    flip_a_byte(store, object_key(sha256))
    damaged_sha, _size = rehash(store, object_key(sha256))
    assert damaged_sha != sha256
    healed = upload(store, data, declare)
    assert healed.stored is Stored.REPAIRED and not healed.created  # type: ignore[attr-defined]
    assert healed.replaced == Damage(damaged_sha, len(data))  # type: ignore[attr-defined]
    assert read_all(store, object_key(sha256)) == data

    store.delete(object_key(sha256))
    restored = upload(store, data, declare)  # the portal tells a lost object from a new one by its rows
    assert restored.stored is Stored.CREATED  # type: ignore[attr-defined]
    assert read_all(store, object_key(sha256)) == data
    assert staged_leftovers(store) == []


def test_simultaneous_uploads_of_the_same_bytes_share_one_intact_object(store: Store) -> None:
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _n: upload(store, LARGE), range(4)))
    assert {r.sha256 for r in results} == {hashlib.sha256(LARGE).hexdigest()}  # type: ignore[attr-defined]
    assert all(r.stored in (Stored.CREATED, Stored.KEPT) for r in results)  # type: ignore[attr-defined]
    assert read_all(store, results[0].key) == LARGE  # type: ignore[attr-defined]
    assert staged_leftovers(store) == []


def test_a_checked_read_breaks_off_before_a_damaged_object_is_whole(store: Store) -> None:
    data = PDF_BYTES + os.urandom(3 * MiB)
    stored = upload(store, data)
    key, sha256 = stored.key, stored.sha256  # type: ignore[attr-defined]
    found: list[Damage] = []
    assert b"".join(verified(store.read(key), key, sha256, len(data), found.append)) == data and found == []

    flip_a_byte(store, key)
    passed = []
    with pytest.raises(errors.Damaged):
        for chunk in verified(store.read(key, chunk_size=MiB), key, sha256, len(data), found.append):
            passed.append(chunk)
    assert 0 < sum(map(len, passed)) < len(data)  # everything but the last chunk, so never a whole file
    assert found == [Damage(rehash(store, key)[0], len(data))]
    assert check(store, key, sha256, len(data)) == found[0]


@pytest.mark.parametrize("stored", [b"x" * 10, b"x" * 14], ids=["shorter", "longer"])
def test_a_checked_read_of_the_wrong_length_breaks_off(stored: bytes) -> None:
    expected = b"x" * 12
    found: list[Damage] = []
    passed = []
    with pytest.raises(errors.Damaged):
        for chunk in verified([stored[:4], stored[4:8], stored[8:]], "k", hashlib.sha256(expected).hexdigest(), 12,
                              found.append):  # fmt: skip
            passed.append(chunk)
    assert sum(map(len, passed)) < len(expected)
    assert found == [Damage(hashlib.sha256(stored).hexdigest(), len(stored))]


def test_restore_replaces_only_with_the_right_bytes(store: Store) -> None:
    stored = upload(store, LARGE)
    key, sha256 = stored.key, stored.sha256  # type: ignore[attr-defined]
    flip_a_byte(store, key)
    with pytest.raises(errors.DigestMismatch):
        restore(store, sha256, [LARGE[:-1] + b"?"])
    assert check(store, key, sha256, len(LARGE)) is not None
    restore(store, sha256, chunks(LARGE, MiB))
    assert check(store, key, sha256, len(LARGE)) is None
    assert staged_leftovers(store) == []


def test_listing_and_removing_leftovers(store: Store) -> None:
    kept = upload(store, SMALL)
    thumb = derived_key(kept.sha256, "thumb-320.jpg")  # type: ignore[attr-defined]
    store.put_derived(thumb, b"\xff\xd8jpeg", "image/jpeg")
    staging = store.stage()
    staging.write(LARGE)  # an upload cut off: its bytes are staged (S3: a part sent, never completed)
    now = datetime.now(UTC)
    objects = list(store.listing("objects"))
    assert [o.key for o in objects] == [kept.key]  # type: ignore[attr-defined]
    assert objects[0].size == len(SMALL) and abs(objects[0].modified - now) < timedelta(minutes=5)
    assert [o.key for o in store.listing("derived")] == [thumb]
    leftovers = list(store.listing("staging")) + list(store.unfinished_uploads())
    assert len(leftovers) == 1 and leftovers[0].key.startswith("staging/")

    for found in [*leftovers, Listed(thumb, now)]:
        store.remove(found)
    assert list(store.listing("derived")) == [] and staged_leftovers(store) == []
    assert list(store.listing("staging")) == [] and list(store.unfinished_uploads()) == []
    staging.abort()  # what a killed worker never gets to do; harmless once swept
    with pytest.raises(ValueError, match="escapes"):
        store.remove(Listed("objects/../../outside", now))
