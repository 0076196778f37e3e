"""Resumable uploads (tus 1.0) over the API: the protocol, every refusal, and an upload named as evidence."""

from __future__ import annotations

import base64
import hashlib
import io
import os
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from evidence.stores import partial_name
from portal.db import get_session
from portal.models import CustodyEvent, EvidenceItem, OrgKind, OrgRole, ResumableUpload, Role, User, utcnow
from portal.services import accounts, resumable_uploads, sweeper
from portal.storage import get_store
from tests.factories import PDF_BYTES, Api, make_user, make_world, png_bytes
from tests.portal.test_pages import csrf, sign_in

TUS = {"Tus-Resumable": "1.0.0"}
MiB = 1024 * 1024


def meta(**values: str) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in values.items())


def begin(api: Api, length: int, filename: str = "video.pdf", **headers: str) -> TestResponse:
    return api(
        "POST",
        "/uploads",
        headers={**TUS, "Upload-Length": str(length), "Upload-Metadata": meta(filename=filename), **headers},
    )


def path_of(created: TestResponse) -> str:
    return created.headers["Location"].split("/api/v1", 1)[1]


def patch(api: Api, path: str, offset: int, data: bytes, **headers: Any) -> TestResponse:
    return api(
        "PATCH",
        path,
        data=data,
        headers={
            **TUS,
            "Upload-Offset": str(offset),
            "Content-Type": "application/offset+octet-stream",
            **headers,
        },
    )


def sha256_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def test_options_says_what_the_server_supports(client: FlaskClient) -> None:
    answer = client.options("/api/v1/uploads")
    assert answer.status_code == 204
    assert answer.headers["Tus-Version"] == "1.0.0"
    assert set(answer.headers["Tus-Extension"].split(",")) == {
        "creation",
        "creation-with-upload",
        "termination",
        "checksum",
        "expiration",
    }
    assert answer.headers["Tus-Checksum-Algorithm"] == "sha256"
    assert int(answer.headers["Tus-Max-Size"]) > 0


def test_an_upload_in_pieces_becomes_evidence(app: Flask, client: FlaskClient) -> None:
    world = make_world(app)
    holder = Api(client, world.holder_a.token)
    complaint = holder.draft(world.right_a)
    data = PDF_BYTES + os.urandom(3 * MiB)
    created = begin(holder, len(data), "test purchase.pdf")
    assert created.status_code == 201 and created.headers["Tus-Resumable"] == "1.0.0"
    assert created.headers["Upload-Offset"] == "0" and "GMT" in created.headers["Upload-Expires"]
    path = path_of(created)
    first = patch(holder, path, 0, data[:MiB], **{"Upload-Checksum": f"sha256 {sha256_b64(data[:MiB])}"})
    assert first.status_code == 204 and first.headers["Upload-Offset"] == str(MiB)
    head = holder("HEAD", path, headers=TUS)
    assert head.status_code == 200 and head.headers["Upload-Offset"] == str(MiB)
    assert head.headers["Upload-Length"] == str(len(data)) and head.headers["Cache-Control"] == "no-store"
    assert base64.b64decode(head.headers["Upload-Metadata"].split(" ")[1]) == b"test purchase.pdf"
    # Named before it is complete: refused, and the upload is unharmed.
    upload_id = path.rsplit("/", 1)[1]
    early = holder("POST", f"/complaints/{complaint['id']}/evidence", json={"upload": upload_id})
    assert early.status_code == 409 and "not complete" in early.json["detail"]
    last = patch(holder, path, MiB, data[MiB:])
    assert last.status_code == 204 and last.headers["Upload-Offset"] == str(len(data))
    # A detail the evidence does not have is refused by name, as in any JSON body; the upload stays.
    stray = holder(
        "POST", f"/complaints/{complaint['id']}/evidence", json={"upload": upload_id, "kind": "other", "colour": "red"}
    )
    assert stray.status_code == 422 and stray.json["fields"] == {"colour": "Not a detail of this upload."}
    named = holder(
        "POST",
        f"/complaints/{complaint['id']}/evidence",
        json={"upload": upload_id, "kind": "test_purchase", "description": "Bought on 1 March"},
    )
    assert named.status_code == 201, named.json
    item = named.json
    assert item["sha256"] == hashlib.sha256(data).hexdigest() and item["size"] == len(data)
    assert item["filename"] == "test purchase.pdf" and item["kind"] == "test_purchase"
    assert item["media_type"] == "application/pdf" and item["description"] == "Bought on 1 March"
    receipt = holder("GET", f"/evidence/{item['id']}/receipt", headers={"Accept": "application/json"})
    assert receipt.status_code == 200 and receipt.json["receipt"]["hashes"]["sha256"] == item["sha256"]
    content = holder("GET", f"/evidence/{item['id']}/content")
    assert hashlib.sha256(content.data).hexdigest() == item["sha256"]
    with app.app_context():
        db = get_session()
        assert db.scalar(select(func.count()).select_from(ResumableUpload)) == 0
        stored = db.get_one(EvidenceItem, item["id"])
        assert stored.sha512 == hashlib.sha512(data).hexdigest() and stored.sm3 == hashlib.new("sm3", data).hexdigest()
        custody = db.scalars(select(CustodyEvent).where(CustodyEvent.evidence_id == item["id"])).all()
        assert [event.action.value for event in custody][:1] == ["received"]
    # Used up: it cannot be named again.
    again = holder("POST", f"/complaints/{complaint['id']}/evidence", json={"upload": upload_id})
    assert again.status_code == 404
    assert holder("HEAD", path, headers=TUS).status_code == 404


def test_creation_with_upload_and_a_picture(app: Flask, client: FlaskClient) -> None:
    world = make_world(app)
    holder = Api(client, world.holder_a.token)
    complaint = holder.draft(world.right_a)
    picture = png_bytes((400, 300))
    created = holder(
        "POST",
        "/uploads",
        data=picture,
        headers={
            **TUS,
            "Upload-Length": str(len(picture)),
            "Upload-Metadata": meta(name="shop.png", filetype="image/png"),
            "Content-Type": "application/offset+octet-stream",
        },
    )
    assert created.status_code == 201 and created.headers["Upload-Offset"] == str(len(picture))
    upload_id = path_of(created).rsplit("/", 1)[1]
    named = holder("POST", f"/complaints/{complaint['id']}/evidence", json={"upload": upload_id})
    assert named.status_code == 201 and named.json["filename"] == "shop.png"
    assert holder("GET", f"/evidence/{named.json['id']}/thumbnail").status_code == 200


def test_a_broken_connection_keeps_what_arrived(app: Flask, client: FlaskClient) -> None:
    world = make_world(app)
    holder = Api(client, world.holder_a.token)
    data = PDF_BYTES + os.urandom(3 * MiB)
    path = path_of(begin(holder, len(data)))
    # The client promises all of it and goes away after 2 MiB and a bit.
    cut = 2 * MiB + 4321
    holder(
        "PATCH",
        path,
        input_stream=io.BytesIO(data[:cut]),
        headers={
            **TUS,
            "Upload-Offset": "0",
            "Content-Type": "application/offset+octet-stream",
            "Content-Length": str(len(data)),
        },
    )
    head = holder("HEAD", path, headers=TUS)
    assert head.headers["Upload-Offset"] == str(cut)
    # With a checksum, a cut-off request keeps nothing: its bytes could not be checked.
    holder(
        "PATCH",
        path,
        input_stream=io.BytesIO(data[cut : cut + 1000]),
        headers={
            **TUS,
            "Upload-Offset": str(cut),
            "Content-Type": "application/offset+octet-stream",
            "Content-Length": str(len(data) - cut),
            "Upload-Checksum": f"sha256 {sha256_b64(data[cut:])}",
        },
    )
    assert holder("HEAD", path, headers=TUS).headers["Upload-Offset"] == str(cut)
    assert patch(holder, path, cut, data[cut:]).status_code == 204
    complaint = holder.draft(world.right_a)
    named = holder("POST", f"/complaints/{complaint['id']}/evidence", json={"upload": path.rsplit("/", 1)[1]})
    assert named.status_code == 201 and named.json["sha256"] == hashlib.sha256(data).hexdigest()


def test_refusals(app: Flask, client: FlaskClient) -> None:
    world = make_world(app)
    holder = Api(client, world.holder_a.token)
    limit = app.config["SETTINGS"].max_upload_bytes
    no_version = holder("POST", "/uploads", headers={"Upload-Length": "10", "Upload-Metadata": meta(filename="a")})
    assert no_version.status_code == 412 and no_version.headers["Tus-Version"] == "1.0.0"
    assert begin(holder, limit + 1).status_code == 413
    assert begin(holder, 0).status_code == 422
    nameless = holder("POST", "/uploads", headers={**TUS, "Upload-Length": "10"})
    assert nameless.status_code == 422 and "filename" in nameless.json["detail"]
    deferred = holder(
        "POST", "/uploads", headers={**TUS, "Upload-Defer-Length": "1", "Upload-Metadata": meta(filename="a")}
    )
    assert deferred.status_code == 400
    for bad in ("filename !!!", "fïlename YQ=="):
        answer = holder("POST", "/uploads", headers={**TUS, "Upload-Length": "10", "Upload-Metadata": bad})
        assert answer.status_code == 400, bad
    assert (
        holder(
            "POST", "/uploads", headers={**TUS, "Upload-Length": "ten", "Upload-Metadata": meta(filename="a")}
        ).status_code
        == 400
    )
    data = PDF_BYTES + b"x" * 5000
    path = path_of(begin(holder, len(data)))
    assert patch(holder, path, 5, data[5:]).status_code == 409
    wrong_type = holder(
        "PATCH", path, data=data, headers={**TUS, "Upload-Offset": "0", "Content-Type": "application/pdf"}
    )
    assert wrong_type.status_code == 415
    assert (
        holder("PATCH", path, data=data, headers={**TUS, "Content-Type": "application/offset+octet-stream"}).status_code
        == 400
    )
    mismatch = patch(holder, path, 0, data, **{"Upload-Checksum": f"sha256 {sha256_b64(b'other')}"})
    assert mismatch.status_code == 460 and mismatch.json["code"] == "checksum_mismatch"
    assert patch(holder, path, 0, data, **{"Upload-Checksum": "md5 AAAA"}).status_code == 400
    assert patch(holder, path, 0, data, **{"Upload-Checksum": "sha256 not-base64"}).status_code == 400
    assert holder("HEAD", path, headers=TUS).headers["Upload-Offset"] == "0"
    overrun = patch(holder, path, 0, data + b"more")
    assert overrun.status_code == 413 and holder("HEAD", path, headers=TUS).headers["Upload-Offset"] == "0"
    # Nobody else sees it.
    other = Api(client, world.holder_b.token)
    assert other("HEAD", path, headers=TUS).status_code == 404
    assert patch(other, path, 0, data).status_code == 404
    assert other("DELETE", path, headers=TUS).status_code == 404
    complaint_b = other.draft(world.right_b)
    stolen = other("POST", f"/complaints/{complaint_b['id']}/evidence", json={"upload": path.rsplit("/", 1)[1]})
    assert stolen.status_code == 404
    # A refused file type ends the upload at its first bytes.
    program = b"\x7fELF\x02\x01\x01" + bytes(2000)
    refused_path = path_of(begin(holder, len(program)))
    assert patch(holder, refused_path, 0, program).status_code == 415
    assert holder("HEAD", refused_path, headers=TUS).status_code == 404
    # Termination.
    assert holder("DELETE", path, headers=TUS).status_code == 204
    assert holder("HEAD", path, headers=TUS).status_code == 404
    # Expiry.
    expiring = path_of(begin(holder, 100))
    with app.app_context():
        db = get_session()
        row = db.get_one(ResumableUpload, expiring.rsplit("/", 1)[1])
        row.expires_at = utcnow() - timedelta(seconds=1)
        db.commit()
    assert holder("HEAD", expiring, headers=TUS).status_code == 410
    assert patch(holder, expiring, 0, PDF_BYTES[:100]).status_code == 410
    # Naming: a JSON body must be an object with the upload's id.
    complaint = holder.draft(world.right_a)
    evidence = f"/complaints/{complaint['id']}/evidence"
    assert holder("POST", evidence, data="[1]", content_type="application/json").status_code == 400
    assert holder("POST", evidence, json={"kind": "other"}).status_code == 422


def test_who_may_upload(app: Flask, client: FlaskClient) -> None:
    world = make_world(app)
    with app.app_context():
        viewer = make_user(Role.HOLDER, "viewer@brand.example", world.holder_a.org_id)
        db = get_session()
        db.get_one(User, viewer.id).org_role = OrgRole.VIEWER
        db.commit()
    assert begin(Api(client, viewer.token), 100).status_code == 403
    # A prosecutor uploads too (case documents), with a token for cases.
    assert begin(Api(client, world.prosecutor.token), len(PDF_BYTES)).status_code == 201
    assert client.post("/api/v1/uploads", headers=TUS).status_code == 401


def test_the_worker_keeps_live_uploads_and_removes_expired_ones(app: Flask, client: FlaskClient) -> None:
    world = make_world(app)
    holder = Api(client, world.holder_a.token)
    data = PDF_BYTES + os.urandom(MiB)
    kept, stale = path_of(begin(holder, len(data))), path_of(begin(holder, len(data)))
    for path in (kept, stale):
        assert patch(holder, path, 0, data[: MiB // 2]).status_code == 204
    with app.app_context():
        db, store = get_session(), get_store()
        report = sweeper.sweep(db, store, timedelta(0), now=utcnow() + timedelta(days=1))
        assert report.removed == [] and report.used >= 2  # waiting a day for its next bytes is allowed
        db.get_one(ResumableUpload, stale.rsplit("/", 1)[1]).expires_at = utcnow() - timedelta(seconds=1)
        db.commit()
        assert resumable_uploads.expire(db, store) == [stale.rsplit("/", 1)[1]]
        leftovers = list(store.listing("staging")) + list(store.unfinished_uploads())
        assert {partial_name(found.key) for found in leftovers} == {kept.rsplit("/", 1)[1]}
    assert holder("HEAD", stale, headers=TUS).status_code == 404
    assert patch(holder, kept, MiB // 2, data[MiB // 2 :]).status_code == 204


def page_upload(browser: FlaskClient, token: str, data: bytes, filename: str) -> str:
    """A resumable upload through the pages' endpoint, as Uppy sends it; its id."""
    headers = {**TUS, "X-CSRFToken": token}
    created = browser.post(
        "/uploads/", headers={**headers, "Upload-Length": str(len(data)), "Upload-Metadata": meta(filename=filename)}
    )
    assert created.status_code == 201 and created.headers["Tus-Resumable"] == "1.0.0"
    location = created.headers["Location"]
    assert "/uploads/" in location and "/api/" not in location
    path = location.split("localhost", 1)[1]
    head = browser.head(path, headers=TUS)
    assert head.status_code == 200 and head.headers["Upload-Offset"] == "0"
    sent = browser.patch(
        path,
        data=data,
        headers={**headers, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"},
    )
    assert sent.status_code == 204, sent.get_data(as_text=True)
    return path.rsplit("/", 1)[1]


def test_the_pages_upload_and_name_evidence_documents_and_powers(app: Flask, client: FlaskClient) -> None:
    world = make_world(app)
    holder = Api(client, world.holder_a.token)
    complaint = holder.draft(world.right_a)
    browser = app.test_client()
    sign_in(browser, world.holder_a.email)
    token = csrf(browser, f"/complaints/{complaint['id']}")
    json_headers = {"X-CSRFToken": token, "Accept": "application/json"}
    # Without the CSRF token, nothing begins.
    assert browser.post("/uploads/", headers={**TUS, "Upload-Length": "10"}).status_code == 400
    upload_id = page_upload(browser, token, PDF_BYTES, "certificate.pdf")
    named = browser.post(
        f"/complaints/{complaint['id']}/evidence",
        json={"upload": upload_id, "kind": "notarial_certificate", "description": "Notarised"},
        headers=json_headers,
    )
    assert named.status_code == 201 and named.json["kind"] == "notarial_certificate"
    assert named.json["sha256"] == hashlib.sha256(PDF_BYTES).hexdigest()
    # A power of attorney: its scopes a JSON list.
    with app.app_context():
        firm = accounts.create_organisation(get_session(), "Law Firm", "CN", True, OrgKind.AGENT).id
    power_upload = page_upload(browser, token, PDF_BYTES, "poa.pdf")
    power = browser.post(
        "/org/powers",
        json={
            "upload": power_upload,
            "agent_org_id": str(firm),
            "scopes": ["complaints", "proceedings"],
            "valid_from": "2026-01-01",
            "valid_until": (utcnow() + timedelta(days=90)).date().isoformat(),
        },
        headers=json_headers,
    )
    assert power.status_code == 201, power.get_data(as_text=True)
    assert sorted(power.json["scopes"]) == ["complaints", "proceedings"]
    # A case document, by a prosecutor, shared with the organisations listed.
    cid, _ = holder.submitted(world.right_a)
    accepted = Api(client, world.prosecutor.token)(
        "POST",
        f"/complaints/{cid}/decision",
        json={"action": "accept", "case": {"case_number": "A-9", "procuratorate": "P", "charges": "C"}},
    )
    case_id = accepted.json["case_id"]
    staff = app.test_client()
    sign_in(staff, world.prosecutor.email)
    staff_token = csrf(staff, f"/cases/{case_id}")
    document_upload = page_upload(staff, staff_token, PDF_BYTES, "indictment.pdf")
    document = staff.post(
        f"/cases/{case_id}/documents",
        json={
            "upload": document_upload,
            "kind": "indictment",
            "title": "Indictment",
            "org_ids": [world.holder_a.org_id],
        },
        headers={"X-CSRFToken": staff_token, "Accept": "application/json"},
    )
    assert document.status_code == 201, document.get_data(as_text=True)
    assert document.json["filename"] == "indictment.pdf"
    # Someone else's upload is not there for them.
    other = page_upload(staff, staff_token, PDF_BYTES, "other.pdf")
    refused = browser.post(f"/complaints/{complaint['id']}/evidence", json={"upload": other}, headers=json_headers)
    assert refused.status_code == 404
