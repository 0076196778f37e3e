"""The main journey through the API, on both stacks."""

from __future__ import annotations

import base64
import hashlib
import io
from datetime import date

from flask import Flask
from flask.testing import FlaskClient

from tests.factories import Api, make_world, png_bytes


def test_journey_file_review_accept_follow(app: Flask, client: FlaskClient) -> None:
    world = make_world(app)
    holder = Api(client, world.holder_a.token)
    prosecutor = Api(client, world.prosecutor.token)

    me = holder("GET", "/me").json
    assert me["role"] == "holder" and me["organisation"]["foreign"] is True

    complaint = holder.draft(world.right_a)
    cid = complaint["id"]
    assert complaint["status"] == "draft" and complaint["reference"] == f"C-{cid:06d}"
    patched = holder("PATCH", f"/complaints/{cid}", json={"facts": "Updated facts."}).json
    assert patched["facts"] == "Updated facts." and patched["title"] == complaint["title"]

    image = png_bytes()
    digest = base64.b64encode(hashlib.sha256(image).digest()).decode()
    name = "商品照片 1.png"
    upload = holder.upload(
        cid,
        image,
        disposition="attachment; filename*=UTF-8''%E5%95%86%E5%93%81%E7%85%A7%E7%89%87%201.png",
        headers={"Repr-Digest": f"sha-256=:{digest}:"},
        query_string={
            "kind": "photo_of_goods",
            "description": "Bag bought on 1 Oct",
            "collected_at": "2026-10-01T10:00:00+02:00",
            "collected_where": "Paris",
        },
    )
    assert upload.status_code == 201, upload.json
    item = upload.json
    assert item["sha256"] == hashlib.sha256(image).hexdigest()
    assert item["size"] == len(image) and item["media_type"] == "image/png" and item["filename"] == name
    assert len(item["phash"]) == 16 and len(item["dhash"]) == 16
    assert item["collected_at"] == "2026-10-01T08:00:00Z"

    translation = holder(
        "POST",
        f"/complaints/{cid}/evidence",
        data={
            "file": (io.BytesIO("Übersetzung / 翻译\n".encode()), "translation.txt"),
            "kind": "translation",
            "translation_of": str(item["id"]),
        },
        content_type="multipart/form-data",
    )
    assert translation.status_code == 201, translation.json
    assert translation.json["translation_of"] == item["id"] and translation.json["media_type"] == "text/plain"

    assert holder("POST", f"/complaints/{cid}/submit").json["status"] == "submitted"
    assert holder("PATCH", f"/complaints/{cid}", json={"facts": "x"}).status_code == 409

    queue = prosecutor("GET", "/review/complaints", query_string={"status": "submitted"}).json
    assert [c["id"] for c in queue["items"]] == [cid] and queue["total"] == 1

    verified = prosecutor("POST", f"/evidence/{item['id']}/verify").json
    assert verified["ok"] is True and verified["computed_sha256"] == item["sha256"]

    content = prosecutor("GET", f"/evidence/{item['id']}/content")
    assert content.status_code == 200 and content.data == image
    assert content.headers["Content-Disposition"].startswith("attachment;")
    assert content.headers["X-Content-Type-Options"] == "nosniff"

    request = prosecutor(
        "POST",
        f"/complaints/{cid}/decision",
        json={"action": "request_information", "message": "Send the test purchase receipt.", "due": "2099-01-01"},
    )
    assert request.json["status"] == "info_requested"
    assert holder.upload(cid, b"receipt,amount\n1,100\n", "receipt.csv").status_code == 201

    assert holder("POST", f"/complaints/{cid}/reply", json={"reply": ""}).status_code == 422
    replied = holder("POST", f"/complaints/{cid}/reply", json={"reply": "Receipt uploaded."})
    assert replied.json["status"] == "under_review"
    assert replied.json["information_requests"][0]["reply"] == "Receipt uploaded."

    accepted = prosecutor(
        "POST",
        f"/complaints/{cid}/decision",
        json={
            "action": "accept",
            "case": {
                "case_number": "沪检知刑诉〔2026〕17号",
                "procuratorate": "Shanghai No. 3 Branch",
                "charges": "Counterfeiting a registered trademark",
            },
        },
    )
    assert accepted.status_code == 200, accepted.json
    case_id = accepted.json["case_id"]

    stage = prosecutor(
        "POST",
        f"/cases/{case_id}/stages",
        json={"stage": "prosecuted", "date": date.today().isoformat(), "note": "Indictment filed.", "shared": True},
    )
    assert stage.status_code == 201
    internal = prosecutor(
        "POST",
        f"/cases/{case_id}/stages",
        json={"stage": "first_instance", "date": date.today().isoformat(), "note": "Internal only.", "shared": False},
    )
    assert internal.status_code == 201

    seen = holder("GET", f"/cases/{case_id}").json
    assert seen["stage"] == "first_instance"
    assert [t["stage"] for t in seen["timeline"]] == ["prosecution_review", "prosecuted", "first_instance"]
    assert seen["timeline"][1]["note"] == "Indictment filed." and seen["timeline"][2]["note"] is None
    assert holder("GET", f"/complaints/{cid}").json["case_id"] == case_id
    assert Api(client, world.holder_b.token)("GET", f"/cases/{case_id}").status_code == 404

    custody = holder("GET", f"/evidence/{item['id']}/custody").json
    assert custody["chain_ok"] is True
    assert [e["action"] for e in custody["events"]] == ["received", "verified", "downloaded", "linked"]
