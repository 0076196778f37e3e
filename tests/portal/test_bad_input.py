"""Hostile and malformed uploads and requests get precise errors and lose nothing."""

from __future__ import annotations

import base64
import hashlib
import io
from collections.abc import Callable
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.db import get_session
from portal.models import EvidenceItem
from tests.evidence.test_ingest import bomb_png
from tests.factories import PDF_BYTES, Api, make_world, png_bytes
from tests.portal.test_pages import csrf, sign_in


def evidence_count(app: Flask) -> int:
    with app.app_context():
        return get_session().scalar(select(func.count()).select_from(EvidenceItem)) or 0


@pytest.mark.parametrize(
    ("data", "headers", "status", "code", "text"),
    [
        (b"", {}, 422, "empty_file", "empty"),
        (b"<html><body onload=alert(1)>x</body></html>", {}, 415, "unsupported_type", "text/html"),
        (b"MZ" + b"\x00" * 400, {}, 415, "unsupported_type", "application/x-dosexec"),
        (
            PDF_BYTES,
            {"Repr-Digest": "sha-256=:" + base64.b64encode(b"\x00" * 32).decode() + ":"},
            400,
            "digest_mismatch",
            "as the client declared",
        ),
        (PDF_BYTES, {"Repr-Digest": "sha-256=notbase64"}, 422, "invalid", "Repr-Digest"),
        (bomb_png(), {}, 422, "image_refused", "decompression bomb"),
    ],
)
def test_refused_uploads(
    app: Flask, client: FlaskClient, data: bytes, headers: dict, status: int, code: str, text: str
) -> None:
    world = make_world(app)
    holder = Api(client, world.holder_a.token)
    cid = holder.draft(world.right_a)["id"]
    response = holder.upload(cid, data, "evidence.jpg", headers=headers)
    assert response.status_code == status, response.json
    assert response.json["code"] == code and text in response.json["detail"]
    assert evidence_count(app) == 0


def test_oversized_upload_names_the_limit(make_app: Callable[..., Flask]) -> None:
    app = make_app(MAX_UPLOAD_BYTES="1000")
    client = app.test_client()
    world = make_world(app)
    holder = Api(client, world.holder_a.token)
    cid = holder.draft(world.right_a)["id"]
    response = holder.upload(cid, PDF_BYTES + b"%" * 2000)
    assert response.status_code == 413 and "1000 bytes" in response.json["detail"]
    chunked = holder(
        "POST",
        f"/complaints/{cid}/evidence",
        input_stream=io.BytesIO(PDF_BYTES * 20),
        headers={
            "Content-Disposition": "attachment; filename=x.pdf",
            "Content-Type": "application/octet-stream",
            "Transfer-Encoding": "chunked",
        },
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert chunked.status_code == 413 and "1000 bytes" in chunked.json["detail"]
    assert evidence_count(app) == 0


def test_truncated_upload(app: Flask, client: FlaskClient) -> None:
    world = make_world(app)
    holder = Api(client, world.holder_a.token)
    cid = holder.draft(world.right_a)["id"]
    response = holder(
        "POST",
        f"/complaints/{cid}/evidence",
        input_stream=io.BytesIO(PDF_BYTES),
        headers={"Content-Disposition": "attachment; filename=x.pdf", "Content-Type": "application/octet-stream"},
        environ_overrides={"CONTENT_LENGTH": "5000"},
    )
    assert response.status_code == 400
    assert evidence_count(app) == 0


@pytest.mark.parametrize(
    "name", ["../../etc/passwd", "..\\..\\boot.ini", "/abs/path.pdf", "a\x00b.pdf", "证据/../x.pdf"]
)
def test_path_traversal_names_are_kept_for_display_only(app: Flask, client: FlaskClient, name: str) -> None:
    world = make_world(app)
    holder = Api(client, world.holder_a.token)
    cid = holder.draft(world.right_a)["id"]
    encoded = quote(name, safe="")
    response = holder.upload(cid, PDF_BYTES, disposition=f"attachment; filename*=UTF-8''{encoded}")
    assert response.status_code == 201, response.json
    stored = response.json
    assert "/" not in stored["filename"] and "\\" not in stored["filename"] and "\x00" not in stored["filename"]
    with app.app_context():
        item = get_session().get(EvidenceItem, stored["id"])
        assert item is not None and item.storage_key == f"objects/{item.sha256[:2]}/{item.sha256[2:4]}/{item.sha256}"


def test_missing_filename_and_bad_metadata(app: Flask, client: FlaskClient) -> None:
    world = make_world(app)
    holder = Api(client, world.holder_a.token)
    cid = holder.draft(world.right_a)["id"]
    no_name = holder(
        "POST", f"/complaints/{cid}/evidence", data=PDF_BYTES, headers={"Content-Type": "application/octet-stream"}
    )
    assert no_name.status_code == 422 and "Content-Disposition" in no_name.json["detail"]
    bad_kind = holder.upload(cid, PDF_BYTES, query_string={"kind": "rumour", "collected_at": "yesterday"})
    assert bad_kind.status_code == 422 and set(bad_kind.json["fields"]) == {"kind", "collected_at"}
    not_translation = holder.upload(cid, PDF_BYTES, query_string={"kind": "photo_of_goods", "translation_of": "1"})
    assert not_translation.status_code == 422
    assert evidence_count(app) == 0


def test_store_outage_gives_503_and_no_row(make_app: Callable[..., Flask]) -> None:
    app = make_app(
        EVIDENCE_STORE="s3://evidence-test/down",
        S3_ENDPOINT_URL="http://127.0.0.1:9",
        AWS_ACCESS_KEY_ID="k",
        AWS_SECRET_ACCESS_KEY="s",
        AWS_REGION="us-east-1",
    )
    world = make_world(app)
    holder = Api(app.test_client(), world.holder_a.token)
    cid = holder.draft(world.right_a)["id"]
    response = holder.upload(cid, png_bytes())
    assert response.status_code == 503 and "unavailable" in response.json["detail"]
    assert evidence_count(app) == 0


def test_database_failure_after_store_removes_the_new_object(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = make_world(app)
    holder = Api(client, world.holder_a.token)
    cid = holder.draft(world.right_a)["id"]
    from portal.services import evidence as evidence_service

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(evidence_service, "record_custody", broken)
    data = PDF_BYTES + b"% unique"
    with pytest.raises(RuntimeError):
        holder.upload(cid, data)
    assert evidence_count(app) == 0
    from evidence.stores import object_key
    from portal.storage import get_store

    with app.app_context():
        assert not get_store().exists(object_key(hashlib.sha256(data).hexdigest()))


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[1, 2]",
        '{"title": 5}',
        '{"title": "x", "right_ids": ["a"]}',
        '{"title": "x", "infringers": [{"name": "n", "shop_urls": ["javascript:alert(1)"]}]}',
        '{"title": "x", "currency": "EURO"}',
        '{"title": "x", "discovered_on": "2099-01-01"}',
    ],
)
def test_malformed_complaints(app: Flask, client: FlaskClient, body: str) -> None:
    world = make_world(app)
    holder = Api(client, world.holder_a.token)
    response = holder("POST", "/complaints", data=body, headers={"Content-Type": "application/json"})
    assert response.status_code == (400 if body == "not json" else 422) and response.json["detail"]


def test_foreign_right_cannot_be_claimed(app: Flask, client: FlaskClient) -> None:
    world = make_world(app)
    response = Api(client, world.holder_a.token)(
        "POST", "/complaints", json={"title": "x", "right_ids": [world.right_b]}
    )
    assert response.status_code == 422 and "right_ids" in response.json["fields"]


def test_missing_object_is_a_clear_conflict_not_a_broken_stream(app: Flask, client: FlaskClient) -> None:
    from portal.storage import get_store

    world = make_world(app)
    holder = Api(client, world.holder_a.token)
    cid = holder.draft(world.right_a)["id"]
    item = holder.upload(cid, png_bytes((90, 90))).json
    with app.app_context():
        record = get_session().get(EvidenceItem, item["id"])
        assert record is not None and record.thumbnail_key is not None
        get_store().delete(record.storage_key)
        get_store().delete(record.thumbnail_key)
    content = holder("GET", f"/evidence/{item['id']}/content")
    assert content.status_code == 409 and "missing" in content.json["detail"]
    sign_in(client, world.holder_a.email)
    thumbnail = client.get(f"/evidence/{item['id']}/thumbnail")
    assert thumbnail.status_code == 409 and "preview of this item is missing" in thumbnail.get_data(as_text=True)
    verified = holder("POST", f"/evidence/{item['id']}/verify").json
    assert verified["outcome"] == "missing" and verified["ok"] is False


def test_no_evidence_after_submission_and_withdrawal_is_final(app: Flask, client: FlaskClient) -> None:
    world = make_world(app)
    holder = Api(client, world.holder_a.token)
    cid, _ = holder.submitted(world.right_a)
    late = holder.upload(cid, PDF_BYTES + b"late")
    assert late.status_code == 409 and "only to a draft" in late.json["detail"]
    assert evidence_count(app) == 1
    sign_in(client, world.holder_a.email)
    token = csrf(client, f"/complaints/{cid}")
    assert client.post(f"/complaints/{cid}/withdraw", data={"csrf_token": token}).status_code == 302
    assert holder("GET", f"/complaints/{cid}").json["status"] == "withdrawn"
    again = client.post(f"/complaints/{cid}/withdraw", data={"csrf_token": token})
    assert again.status_code == 409
    decision = Api(client, world.prosecutor.token)(
        "POST", f"/complaints/{cid}/decision", json={"action": "decline", "reason": "late"}
    )
    assert decision.status_code == 409


def test_stray_api_calls_answer_json_never_a_sign_in_page(app: Flask, client: FlaskClient) -> None:
    world = make_world(app)
    holder = Api(client, world.holder_a.token)
    unknown = holder("GET", "/nothing")
    assert (
        unknown.status_code == 404
        and unknown.json["code"] == "not_found"
        and unknown.mimetype == "application/problem+json"
    )
    wrong = holder("DELETE", "/me")
    assert wrong.status_code == 405 and wrong.json["code"] == "method_not_allowed"
    assert "GET" in wrong.headers["Allow"]
    anonymous = client.get("/api/v1/nothing")
    assert anonymous.status_code == 404 and anonymous.is_json


@pytest.mark.parametrize("path", ["/evidence/{}", "/complaints/{}", "/cases/{}/proceedings", "/evidence/{}/custody"])
def test_ids_beyond_the_database_are_not_found(app: Flask, client: FlaskClient, path: str) -> None:
    world = make_world(app)
    huge = 2**63  # past any integer a database holds
    answer = Api(client, world.prosecutor.token)("GET", path.format(huge))
    assert answer.status_code == 404 and answer.is_json
    page = client.get(path.format(huge), headers={"Authorization": f"Bearer {world.prosecutor.token}"})
    assert page.status_code in (302, 404)  # a page: sign in first, or no such page
    for edge in (2**31 - 1, 2**31):  # the largest row id, and one past it
        assert Api(client, world.prosecutor.token)("GET", path.format(edge)).status_code == 404
