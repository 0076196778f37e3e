"""API multipart uploads stream into ingest as they are parsed: no spooling, nothing left behind."""

from __future__ import annotations

import base64
import hashlib
import io
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.storage import get_store
from portal.uploads import PortalRequest
from tests.evidence.test_ingest import staged_leftovers
from tests.factories import PDF_BYTES, Api, make_world, png_bytes


@pytest.fixture
def no_spooling(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    def spool(*args: object, **kwargs: object) -> None:
        raise AssertionError("an evidence file was spooled by the form parser")

    monkeypatch.setattr(PortalRequest.__mro__[1], "_get_file_stream", spool)
    yield


def post(api: Api, complaint_id: int, fields: dict, headers: dict | None = None):  # type: ignore[no-untyped-def]
    return api(
        "POST",
        f"/complaints/{complaint_id}/evidence",
        data=fields,
        content_type="multipart/form-data",
        headers=headers or {},
    )


def test_multipart_file_streams_into_ingest(app: Flask, client: FlaskClient, no_spooling: None) -> None:
    world = make_world(app)
    holder = Api(client, world.holder_a.token)
    cid = holder.draft(world.right_a)["id"]
    image = png_bytes((200, 150))
    digest = base64.b64encode(hashlib.sha256(image).digest()).decode()
    response = post(
        holder,
        cid,
        {"file": (io.BytesIO(image), "照片 1.png"), "kind": "photo_of_goods", "description": "From the test purchase"},
        {"Repr-Digest": f"sha-256=:{digest}:"},
    )
    assert response.status_code == 201, response.json
    item = response.json
    assert item["sha256"] == hashlib.sha256(image).hexdigest() and item["filename"] == "照片 1.png"
    assert item["kind"] == "photo_of_goods" and item["description"] == "From the test purchase"
    assert item["width"] == 200 and item["phash"]


WRONG_DIGEST = {"Repr-Digest": "sha-256=:" + base64.b64encode(b"1" * 32).decode() + ":"}
REFUSALS = {
    "html as jpg": (lambda: {"file": (io.BytesIO(b"<html>x</html>"), "a.jpg")}, {}, 415, "text/html"),
    "wrong digest": (lambda: {"file": (io.BytesIO(PDF_BYTES), "a.pdf")}, WRONG_DIGEST, 400, "as the client declared"),
    "two files": (
        lambda: {"file": [(io.BytesIO(PDF_BYTES), "a.pdf"), (io.BytesIO(PDF_BYTES + b"2"), "b.pdf")]},
        {},
        422,
        "one file",
    ),
    "other field": (lambda: {"document": (io.BytesIO(PDF_BYTES), "a.pdf")}, {}, 422, "field named 'file'"),
    "bad details": (
        lambda: {"file": (io.BytesIO(PDF_BYTES), "a.pdf"), "kind": "rumour"},
        {},
        422,
        "kind: Input should be",
    ),
    "empty": (lambda: {"file": (io.BytesIO(b""), "empty.pdf")}, {}, 422, "empty"),
}


@pytest.mark.parametrize("case", REFUSALS)
def test_refused_multipart_leaves_nothing(app: Flask, client: FlaskClient, no_spooling: None, case: str) -> None:
    make_fields, headers, status, text = REFUSALS[case]
    world = make_world(app)
    holder = Api(client, world.holder_a.token)
    cid = holder.draft(world.right_a)["id"]
    response = post(holder, cid, make_fields(), headers)
    assert response.status_code == status and text in response.json["detail"], response.json
    assert holder("GET", f"/complaints/{cid}").json["evidence"] == []
    with app.app_context():
        store = get_store()
        assert staged_leftovers(store) == []
        assert not store.exists(
            f"objects/{hashlib.sha256(PDF_BYTES).hexdigest()[:2]}/"
            f"{hashlib.sha256(PDF_BYTES).hexdigest()[2:4]}/{hashlib.sha256(PDF_BYTES).hexdigest()}"
        )
