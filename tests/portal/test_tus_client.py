"""A 1 GiB upload by tuspy (the Python tus client) through a real gunicorn, cut off halfway by a dropped
connection and resumed: the evidence has the file's SHA-256, a signed receipt and its leaf in the log."""

from __future__ import annotations

import hashlib
import json
import os
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tusclient import client as tus_client
from tusclient.exceptions import TusUploadFailed

from tests.factories import PDF_BYTES
from tests.gunicorn import Portal, serve
from tests.proxy import CuttingProxy

GiB = 1024**3
MiB = 1024**2


@pytest.fixture
def portal(stack_env: dict[str, str], tmp_path: Path) -> Iterator[Portal]:
    extra = {k: v for k, v in stack_env.items() if k not in ("INSTANCE_PATH", "SECRET_KEY")}
    yield from serve(tmp_path, {**extra, "MAX_UPLOAD_BYTES": str(2 * GiB)}, workers=2)


def call(portal: Portal, token: str, method: str, path: str, body: object = None) -> dict:  # type: ignore[type-arg]
    request = urllib.request.Request(
        portal.url + "/api/v1" + path,
        data=None if body is None else json.dumps(body).encode(),
        method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Accept": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=600) as answer:  # noqa: S310 - loopback
        return json.loads(answer.read())  # type: ignore[no-any-return]


def offset_of(portal: Portal, token: str, url: str) -> int:
    """Upload-Offset from HEAD, asked of the portal directly."""
    path = url.split("/api/v1", 1)[1]
    request = urllib.request.Request(
        portal.url + "/api/v1" + path,
        method="HEAD",
        headers={"Authorization": f"Bearer {token}", "Tus-Resumable": "1.0.0"},
    )
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 - loopback
        return int(answer.headers["Upload-Offset"])


def wait_for(found: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not found():
        assert time.monotonic() < deadline, "not within the deadline"
        time.sleep(0.2)


def big_file(path: Path, size: int) -> str:
    """A PDF-headed file of ``size`` bytes; its SHA-256."""
    digest = hashlib.sha256()
    block = os.urandom(8 * MiB)
    with path.open("wb") as out:
        out.write(PDF_BYTES)
        digest.update(PDF_BYTES)
        written = len(PDF_BYTES)
        while written < size:
            piece = block[: size - written]
            out.write(piece)
            digest.update(piece)
            written += len(piece)
    return digest.hexdigest()


@pytest.mark.timeout(900)
# On production's stack only: the directory store takes the same path for any size, and test_tus resumes
# uploads on both stacks.
@pytest.mark.parametrize("stack_env", ["pg-s3"], indirect=True)
def test_tuspy_resumes_a_gigabyte_after_the_link_drops(portal: Portal, tmp_path: Path) -> None:
    org = portal.cli("orgs", "create", "--name", "Maison", "--country", "FR")
    portal.cli("users", "create", "--email", "h@brand.example", "--password", "correct horse battery",
               "--role", "holder", "--org-id", org)  # fmt: skip
    token = portal.cli("tokens", "create", "--email", "h@brand.example")
    complaint = call(
        portal, token, "POST", "/complaints", {"title": "Surveillance video", "facts": "F", "right_ids": []}
    )
    source = tmp_path / "recording.pdf"
    sha256 = big_file(source, GiB)

    proxy = CuttingProxy(int(portal.url.rsplit(":", 1)[1]), cut_after=GiB // 2)
    uploads = f"http://localhost:{proxy.port}/api/v1/uploads"
    client = tus_client.TusClient(uploads, headers={"Authorization": f"Bearer {token}"})
    with source.open("rb") as stream:  # tuspy leaves a file it opened itself unclosed
        first = client.uploader(file_stream=stream, chunk_size=64 * MiB, metadata={"filename": "recording.pdf"})
        with pytest.raises(TusUploadFailed):
            first.upload()
        assert proxy.cut.is_set() and first.url is not None
        assert first.offset < GiB // 2  # the request that was cut off never got its answer

        # The bytes of the cut-off request that arrived are kept, once the portal has seen the link go.
        wait_for(lambda: offset_of(portal, token, first.url) > first.offset)
        kept = offset_of(portal, token, first.url)
        assert first.offset < kept < GiB // 2 + 64 * MiB
        # As after a restart: a new uploader, knowing only the upload's URL, asks where it is and goes on.
        resumed = client.uploader(file_stream=stream, url=first.url, chunk_size=64 * MiB, retries=10, retry_delay=1)
        assert resumed.offset == kept
        resumed.upload()
    proxy.close()

    upload_id = first.url.rsplit("/", 1)[1]
    item = call(portal, token, "POST", f"/complaints/{complaint['id']}/evidence", {"upload": upload_id})
    assert item["sha256"] == sha256 and item["size"] == GiB
    receipt = call(portal, token, "GET", f"/evidence/{item['id']}/receipt")
    assert receipt["receipt"]["hashes"]["sha256"] == sha256
    assert isinstance(receipt["log"]["index"], int)  # the receipt is a leaf of the transparency log
