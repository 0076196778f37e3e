"""Streamed ingest against both stores: good files, and every way a file is refused."""

from __future__ import annotations

import hashlib
import io
import os
import struct
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from evidence import errors
from evidence.fixity import rehash
from evidence.ingest import ingest
from evidence.stores import Store, check_key, object_key
from tests.factories import PDF_BYTES, png_bytes

LIMIT = 50 * 1024 * 1024


def chunks(data: bytes, size: int = 65536) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


def staged_leftovers(store: Store) -> list[str]:
    if hasattr(store, "staging_dir"):
        return os.listdir(store.staging_dir)
    client, bucket, prefix = store.client, store.bucket, store.prefix  # type: ignore[attr-defined]
    listed = client.list_objects_v2(Bucket=bucket, Prefix=prefix + "staging/")
    uploads = client.list_multipart_uploads(Bucket=bucket, Prefix=prefix)
    return [o["Key"] for o in listed.get("Contents", [])] + [u["Key"] for u in uploads.get("Uploads", [])]


def test_image_is_hashed_sniffed_and_stored_once(store: Store) -> None:
    data = png_bytes((300, 200))
    first = ingest(chunks(data, 1000), store, max_bytes=LIMIT)
    assert first.sha256 == hashlib.sha256(data).hexdigest()
    assert (first.size, first.media_type, first.width, first.height) == (len(data), "image/png", 300, 200)
    assert first.created and first.key == object_key(first.sha256)
    assert len(first.phash or "") == 16 and len(first.dhash or "") == 16
    assert first.thumbnail_key and store.exists(first.thumbnail_key)
    assert rehash(store, first.key) == (first.sha256, len(data))
    second = ingest(chunks(data), store, max_bytes=LIMIT)
    assert not second.created and second.key == first.key
    assert staged_leftovers(store) == []


def test_large_stream_spans_several_parts(store: Store) -> None:
    data = b"sales,units\n" + os.urandom(20 * 1024 * 1024).hex().encode()[: 20 * 1024 * 1024]
    result = ingest(chunks(data, 1024 * 1024), store, max_bytes=LIMIT)
    assert result.media_type == "text/plain" and result.size == len(data)
    assert rehash(store, result.key) == (hashlib.sha256(data).hexdigest(), len(data))


def docx_bytes() -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("_rels/.rels", "<Relationships/>")
        z.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "media_type"),
    [
        (PDF_BYTES, "application/pdf"),
        (b"product,units,price\nbag,12,10\nwallet,3,5\n", "text/csv"),
        (docx_bytes(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (b"WARC/1.0\r\nWARC-Type: warcinfo\r\nContent-Length: 0\r\n\r\n", "application/warc"),
        (b'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="b"\r\n\r\n--b\r\n', "multipart/related"),
    ],
)
def test_allowed_documents(tmp_path: object, data: bytes, media_type: str) -> None:
    from evidence.stores import open_store

    result = ingest([data], open_store(str(tmp_path)), max_bytes=LIMIT)
    assert result.media_type == media_type and result.phash is None


def bomb_png(width: int = 30000, height: int = 30000) -> bytes:
    """A tiny PNG that claims 900 megapixels."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    row = b"\x00" + b"\x00" * width
    raw = zlib.compress(row * 16)
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


@pytest.mark.parametrize(
    ("data", "kwargs", "error", "text"),
    [
        (b"", {}, errors.EmptyFile, "empty"),
        (b"<html><script>alert(1)</script></html>", {}, errors.RefusedType, "text/html"),
        (b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 300, {}, errors.RefusedType, "application/"),
        (b"MZ" + b"\x00" * 300, {}, errors.RefusedType, "application/x-dosexec"),
        (PDF_BYTES, {"max_bytes": 100}, errors.TooLarge, "100 bytes"),
        (PDF_BYTES, {"expected_size": len(PDF_BYTES) + 10}, errors.Truncated, "ended after"),
        (PDF_BYTES, {"expected_sha256": "0" * 64}, errors.DigestMismatch, "not " + "0" * 64),
        (bomb_png(), {}, errors.ImageRefused, "decompression bomb"),
        (png_bytes((200, 200))[:90], {}, errors.ImageRefused, "could not be decoded"),
    ],
)
def test_refusals_leave_nothing_behind(store: Store, data: bytes, kwargs: dict, error: type, text: str) -> None:
    with pytest.raises(error, match=text):
        ingest(chunks(data), store, **{"max_bytes": LIMIT, **kwargs})
    assert staged_leftovers(store) == []
    assert not store.exists(object_key(hashlib.sha256(data).hexdigest()))


def test_client_gone_mid_upload(store: Store) -> None:
    def dying() -> object:
        yield PDF_BYTES
        yield b"more bytes"
        raise ConnectionResetError("client went away")

    with pytest.raises(ConnectionResetError):
        ingest(dying(), store, max_bytes=LIMIT)  # type: ignore[arg-type]
    assert staged_leftovers(store) == []


@pytest.mark.parametrize("key", ["../etc/passwd", "objects/../../x", "/abs", "objects/aa/bb/" + "g" * 64, "photo.jpg"])
def test_keys_are_strict(key: str) -> None:
    with pytest.raises(errors.EvidenceError):
        check_key(key)


def test_store_outage_is_store_unavailable(tmp_path: object) -> None:
    from evidence.stores import open_store

    dead = open_store(
        "s3://evidence-test/x", endpoint_url="http://127.0.0.1:9", region="us-east-1", access_key="k", secret_key="s"
    )
    with pytest.raises(errors.StoreUnavailable):
        ingest([PDF_BYTES], dead, max_bytes=LIMIT)


def test_declared_digest_on_a_large_file(store: Store) -> None:
    data = b"WARC/1.0\r\n" + os.urandom(20 * 1024 * 1024)
    sha256 = hashlib.sha256(data).hexdigest()
    result = ingest(chunks(data, 1024 * 1024), store, max_bytes=LIMIT, expected_sha256=sha256.upper())
    assert result.sha256 == sha256 and result.created
    assert rehash(store, result.key) == (sha256, len(data))
    again = ingest(chunks(data, 1024 * 1024), store, max_bytes=LIMIT, expected_sha256=sha256)
    assert not again.created and rehash(store, result.key) == (sha256, len(data))
    assert staged_leftovers(store) == []


def test_wrong_declared_digest_on_a_large_file_stores_nothing_at_the_claimed_address(store: Store) -> None:
    data = b"WARC/1.0\r\n" + os.urandom(20 * 1024 * 1024)
    claimed = hashlib.sha256(b"other bytes").hexdigest()
    with pytest.raises(errors.DigestMismatch):
        ingest(chunks(data, 1024 * 1024), store, max_bytes=LIMIT, expected_sha256=claimed)
    assert not store.exists(object_key(claimed))
    assert not store.exists(object_key(hashlib.sha256(data).hexdigest()))
    assert staged_leftovers(store) == []


@pytest.mark.parametrize("claimed", ["../../x", "a" * 63, "g" * 64, ""])
def test_malformed_declared_digest_is_refused(store: Store, claimed: str) -> None:
    with pytest.raises(errors.EvidenceError, match="64 hexadecimal"):
        ingest([PDF_BYTES], store, max_bytes=LIMIT, expected_sha256=claimed)


@pytest.mark.parametrize("misbehaving", ["crash", "greedy"])
def test_a_decoder_that_dies_is_a_clear_refusal(misbehaving: str) -> None:
    from evidence import decoding

    with pytest.raises(errors.ImageRefused, match="The image could not be decoded safely: the decoder failed on it."):
        decoding.run_decoder("tests.misbehaving_decoder", [misbehaving], 60, "image")


def test_a_decoder_that_overruns_is_stopped_and_refused(tmp_path: Path) -> None:
    from evidence import decoding, images

    started = time.monotonic()
    with pytest.raises(errors.ImageRefused, match="The file took more than 1 s to decode and was refused."):
        decoding.run_decoder("tests.misbehaving_decoder", ["hang"], 1, "file")
    assert time.monotonic() - started < 30  # stopped, not waited for
    picture = tmp_path / "after.png"
    picture.write_bytes(png_bytes((50, 40)))
    assert images.analyse(picture).width == 50  # and the next file is decoded as ever


def test_decoder_reports_refusals_from_its_own_process(tmp_path: Path) -> None:
    from evidence import images

    broken = tmp_path / "broken.png"
    broken.write_bytes(png_bytes((50, 50))[:70])
    with pytest.raises(errors.ImageRefused, match="could not be decoded"):
        images.analyse(broken)


def test_heic_photo_is_recognised_and_hashed(tmp_path: Path) -> None:
    from PIL import Image
    from pillow_heif import register_heif_opener

    from evidence.stores import open_store

    register_heif_opener()
    out = io.BytesIO()
    Image.new("RGB", (160, 120), (10, 200, 30)).save(out, "HEIF")
    result = ingest([out.getvalue()], open_store(str(tmp_path)), max_bytes=LIMIT)
    assert result.media_type == "image/heic" and (result.width, result.height) == (160, 120)
    assert result.phash and result.thumbnail_key


def test_ingest_records_sha512_and_sm3_in_the_same_pass(store: Store) -> None:
    data = PDF_BYTES + os.urandom(3 * 1024 * 1024)
    result = ingest(chunks(data, 70_000), store, max_bytes=LIMIT)
    assert result.digests.sha256 == hashlib.sha256(data).hexdigest()
    assert result.digests.sha512 == hashlib.sha512(data).hexdigest()
    assert result.digests.sm3 == hashlib.new("sm3", data).hexdigest()


def test_read_ahead_yields_everything_passes_errors_and_stops_early() -> None:
    from evidence.stores import read_ahead

    assert b"".join(read_ahead(lambda: iter([b"a", b"b", b"c"]), depth=1)) == b"abc"

    def failing() -> Iterator[bytes]:
        yield b"x"
        raise errors.StoreUnavailable("S3 went away")

    with pytest.raises(errors.StoreUnavailable) as failed:
        list(read_ahead(failing))
    assert failed.value.detail == "S3 went away" and "S3" not in str(failed.value)
    endless = read_ahead(lambda: iter(lambda: b"y" * 10, b""), depth=2)
    assert next(endless) == b"y" * 10
    endless.close()  # the consumer leaves: the reading thread stops too
