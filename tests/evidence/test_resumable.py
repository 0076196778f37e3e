"""Resumable ingest against both stores: bytes over several requests, each hashed once, then committed."""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime

import pytest

from evidence import errors, resumable
from evidence.fixity import rehash
from evidence.stores import Store
from tests.evidence.test_ingest import LIMIT, staged_leftovers
from tests.factories import PDF_BYTES, png_bytes

MiB = 1024 * 1024


def send(store: Store, progress: resumable.Progress, data: bytes, chunk: int = MiB) -> resumable.Progress:
    request = resumable.Continuing(store, progress)
    for at in range(0, len(data), chunk):
        request.write(data[at : at + chunk])
    return request.save()


def test_bytes_over_several_requests_become_one_object(store: Store) -> None:
    # 19 MiB and a bit: crosses S3 part boundaries inside requests and between them.
    data = PDF_BYTES + os.urandom(19 * MiB + 12345)
    progress = resumable.begin(store, "upload-across-requests", len(data), LIMIT)
    cuts = [0, 300_000, 9 * MiB + 7, 9 * MiB + 8, 17 * MiB, len(data)]
    for start, end in zip(cuts, cuts[1:], strict=False):
        progress = send(store, progress, data[start:end], chunk=256 * 1024 + 3)
        assert progress.offset == end
    assert progress.complete and progress.media_type == "application/pdf"
    done = resumable.finish(store, progress, datetime.now(UTC))
    assert done.sha256 == hashlib.sha256(data).hexdigest() and done.created
    assert done.digests.sha512 == hashlib.sha512(data).hexdigest()
    assert done.digests.sm3 == hashlib.new("sm3", data).hexdigest()
    assert rehash(store, done.key) == (done.sha256, len(data))
    resumable.drop(store, progress)
    assert staged_leftovers(store) == []


def test_a_discarded_request_leaves_the_upload_where_it_was(store: Store) -> None:
    data = PDF_BYTES + os.urandom(10 * MiB)
    progress = send(store, resumable.begin(store, "upload-discarded-one", len(data), LIMIT), data[: 2 * MiB])
    cut_off = resumable.Continuing(store, progress)
    cut_off.write(data[2 * MiB : 9 * MiB])  # a part sent to S3 meanwhile, never recorded
    cut_off.discard()
    progress = send(store, progress, data[2 * MiB :])
    done = resumable.finish(store, progress, datetime.now(UTC))
    assert rehash(store, done.key) == (hashlib.sha256(data).hexdigest(), len(data))
    # A finish that is repeated (the first one's record failed) gives the same object.
    again = resumable.finish(store, progress, datetime.now(UTC))
    assert again.sha256 == done.sha256 and not again.created
    resumable.drop(store, progress)
    assert staged_leftovers(store) == []


def test_a_picture_is_decoded_when_finished(store: Store) -> None:
    data = png_bytes((320, 240))
    progress = resumable.begin(store, "upload-of-a-picture", len(data), LIMIT)
    progress = send(store, progress, data[:100])  # too few bytes to sniff yet
    assert progress.media_type is None
    progress = send(store, progress, data[100:])
    done = resumable.finish(store, progress, datetime.now(UTC))
    assert (done.media_type, done.width, done.height) == ("image/png", 320, 240)
    assert done.phash and done.thumbnail_key and store.exists(done.thumbnail_key)
    resumable.drop(store, progress)


def test_refusals(store: Store) -> None:
    with pytest.raises(errors.TooLarge):
        resumable.begin(store, "upload-far-too-large", LIMIT + 1, LIMIT)
    with pytest.raises(errors.EmptyFile):
        resumable.begin(store, "upload-of-no-bytes-0", 0, LIMIT)
    executable = b"\x7fELF\x02\x01\x01" + bytes(2 * MiB)
    progress = resumable.begin(store, "upload-of-a-program", len(executable), LIMIT)
    request = resumable.Continuing(store, progress)
    with pytest.raises(errors.RefusedType):
        request.write(executable[: 2 * MiB])
    request.discard()
    resumable.drop(store, progress)
    progress = resumable.begin(store, "upload-that-overruns", 10, LIMIT)
    request = resumable.Continuing(store, progress)
    with pytest.raises(errors.Overrun):
        request.write(b"%PDF-1.4\n" + b"x" * 5)
    request.discard()
    with pytest.raises(errors.Truncated):
        resumable.finish(store, progress, datetime.now(UTC))
    resumable.drop(store, progress)
    assert staged_leftovers(store) == []
