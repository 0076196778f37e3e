"""Receipts: signed, timestamped, proven in the log once a checkpoint covers them; checked with standard tools."""

from __future__ import annotations

import base64
import io
import json
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.cli import cli
from tests.factories import PASSWORD, Api, make_world, png_bytes
from tests.tsa import LocalTSA

BIN = Path(sys.executable).parent


@pytest.fixture
def stamped_app(make_app: Callable[..., Flask], tsa: LocalTSA) -> Flask:
    tsa.fail = False
    return make_app(TSA_URL=tsa.url, TSA_CA_FILE=str(tsa.ca_file))


def unpack(data: bytes, into: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        archive.extractall(into)
        return {name: archive.read(name) for name in archive.namelist()}


def openssl(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True, check=False)


def test_receipt_is_signed_stamped_and_proven_once_checkpointed(
    stamped_app: Flask, tsa: LocalTSA, tmp_path: Path
) -> None:
    app, client = stamped_app, stamped_app.test_client()
    world = make_world(app)
    holder = Api(client, world.holder_a.token)
    image = png_bytes(color=(40, 90, 160))
    cid, eid = holder.submitted(world.right_a, image)

    pending = holder("GET", f"/evidence/{eid}/receipt", headers={"Accept": "application/json"}).json
    record = pending["receipt"]
    assert record["hashes"]["sha256"] and len(record["hashes"]["sha512"]) == 128 and len(record["hashes"]["sm3"]) == 64
    assert record["complaint"] == f"C-{cid:06d}" and record["uploaded_by"]["email"] == world.holder_a.email
    assert record["organisation"]["name"] == "Maison Exemple" and record["size"] == len(image)
    assert pending["log"]["status"] == "pending" and pending["log"]["tlog_proof"] is None
    assert pending["timestamp"]["time"] is not None and pending["timestamps_enabled"] is True

    assert app.test_cli_runner().invoke(cli, ["log", "checkpoint"]).exit_code == 0
    response = holder("GET", f"/evidence/{eid}/receipt")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    files = unpack(response.data, tmp_path)
    assert {"receipt.json", "receipt.json.sig", "receipt.tlog-proof", "original.tsr", "VERIFY.md"} <= set(files)
    assert json.loads(files["receipt.json"]) == record
    original = tmp_path / "photo.png"
    original.write_bytes(image)
    (tmp_path / "keys" / "tsa-ca.pem").write_bytes(tsa.ca_file.read_bytes())

    signed = openssl(
        "pkeyutl", "-verify", "-pubin", "-inkey", "keys/receipt.pem", "-rawin",
        "-in", "receipt.json", "-sigfile", "receipt.json.sig", cwd=tmp_path,
    )  # fmt: skip
    assert signed.returncode == 0 and "Signature Verified Successfully" in signed.stdout
    stamped = openssl(
        "ts", "-verify", "-data", "photo.png", "-in", "original.tsr", "-CAfile", "keys/tsa-ca.pem", cwd=tmp_path
    )
    assert stamped.returncode == 0 and "Verification: OK" in stamped.stdout
    (tmp_path / "altered.png").write_bytes(image[:-1] + b"\x00")
    refused = openssl(
        "ts", "-verify", "-data", "altered.png", "-in", "original.tsr", "-CAfile", "keys/tsa-ca.pem", cwd=tmp_path
    )
    assert refused.returncode != 0 and "Verification: FAILED" in refused.stdout

    zip_path = tmp_path / "receipt.zip"
    zip_path.write_bytes(response.data)
    checked = subprocess.run(
        [str(BIN / "evidence-verify"), str(zip_path), "--file", str(original)], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout
    assert "PASS  log inclusion: entry 1 of the log's 4" in checked.stdout
    assert "PASS  file: photo.png: size, SHA-256, SHA-512 and SM3 match the receipt" in checked.stdout
    wrong = subprocess.run(
        [str(BIN / "evidence-verify"), str(zip_path), "--file", str(tmp_path / "altered.png")],
        capture_output=True,
        text=True,
    )
    assert wrong.returncode == 1
    assert "FAIL  file: altered.png does not match the receipt: SHA256, SHA512, SM3 differ" in wrong.stdout


def test_tsa_down_at_upload_is_filled_in_by_the_worker(stamped_app: Flask, tsa: LocalTSA) -> None:
    app, client = stamped_app, stamped_app.test_client()
    world = make_world(app)
    holder = Api(client, world.holder_a.token)
    tsa.fail = True
    try:
        _, eid = holder.submitted(world.right_a)
    finally:
        tsa.fail = False
    before = holder("GET", f"/evidence/{eid}/receipt", headers={"Accept": "application/json"}).json
    assert before["timestamp"] is None and before["timestamps_enabled"] is True
    result = app.test_cli_runner().invoke(cli, ["worker", "--once"])
    assert "timestamped 1 receipt(s)" in result.stdout
    after = holder("GET", f"/evidence/{eid}/receipt", headers={"Accept": "application/json"}).json
    assert after["timestamp"]["time"] is not None and after["log"]["status"] == "included"


def test_receipt_page_is_bilingual_and_says_when_timestamps_are_off(app: Flask, client: FlaskClient) -> None:
    world = make_world(app)
    _, eid = Api(client, world.holder_a.token).submitted(world.right_a)
    app.config["WTF_CSRF_ENABLED"] = False
    client.post("/login", data={"email": world.holder_a.email, "password": PASSWORD})
    page = client.get(f"/evidence/{eid}/receipt")
    assert page.status_code == 200
    assert "证据回执 / Evidence receipt" in page.text
    assert "Timestamps are off on this portal" in page.text and "Pending: the next checkpoint" in page.text
    assert "openssl pkeyutl -verify" in page.text and "openssl ts -verify" not in page.text
    assert client.get(f"/evidence/{eid}").text.count(f"/evidence/{eid}/receipt") == 1


def test_receipts_are_private_to_the_organisation_and_staff(app: Flask, client: FlaskClient) -> None:
    world = make_world(app)
    _, eid = Api(client, world.holder_a.token).submitted(world.right_a)
    assert Api(client, world.holder_b.token)("GET", f"/evidence/{eid}/receipt").status_code == 404
    assert Api(client, world.prosecutor.token)("GET", f"/evidence/{eid}/receipt").status_code == 200
    assert client.get(f"/api/v1/evidence/{eid}/receipt").status_code == 401


def test_public_pages_show_the_checkpoint_and_the_keys(app: Flask, client: FlaskClient) -> None:
    world = make_world(app)
    assert "No checkpoint yet" in client.get("/transparency/").text
    Api(client, world.holder_a.token).submitted(world.right_a)
    app.test_cli_runner().invoke(cli, ["log", "checkpoint"])
    page = client.get("/transparency/")
    assert page.status_code == 200 and "ip-evidence-portal.localhost/log\n4\n" in page.text
    keys = client.get("/transparency/keys").text
    assert keys.count("BEGIN PUBLIC KEY") == 2 and "ip-evidence-portal.localhost/log+" in keys
    trust = client.get("/transparency/trust.pem")
    assert trust.status_code == 200 and trust.text.count("BEGIN PUBLIC KEY") == 1
    vkey = next(line for line in trust.text.splitlines() if line.startswith("ip-evidence-portal.localhost/log+"))
    decoded = base64.b64decode(vkey.split("+", 2)[2])
    assert decoded[0] == 1 and len(decoded) == 33  # Ed25519 type byte and key


def test_upload_without_signing_keys_is_refused_before_any_byte_is_stored(app: Flask, client: FlaskClient) -> None:
    world = make_world(app)
    holder = Api(client, world.holder_a.token)
    complaint = holder.draft(world.right_a)
    (app.config["SETTINGS"].signing_key_dir / "receipt.key").unlink()
    refused = holder.upload(complaint["id"], png_bytes(color=(7, 7, 7)))
    assert refused.status_code == 503
    assert "portal keys generate" in refused.json["detail"]
    assert holder("GET", f"/complaints/{complaint['id']}").json["evidence"] == []
