"""Evidence bundles: exported from a case, validated by bagit and by the offline verifier."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import bagit
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from evidence.keys import public_pem
from evidence.signed_note import Verifier
from evidence.verify import load_trust, verify_bundle
from portal.db import get_session
from portal.models import LogEntry, Receipt
from portal.signing import get_notary
from tests.factories import PDF_BYTES, Api, World, make_world, png_bytes
from tests.portal.test_pages import sign_in
from tests.tsa import LocalTSA

BIN = Path(sys.executable).parent


def case_with_evidence(app: Flask, client: FlaskClient) -> tuple[World, int, list[int]]:
    world = make_world(app)
    holder = Api(client, world.holder_a.token)
    complaint = holder.draft(world.right_a)
    ids = [
        holder.upload(complaint["id"], png_bytes(color=(10, 120, 200)), "店铺照片 1.png").json["id"],
        holder.upload(complaint["id"], PDF_BYTES, "notarial certificate.pdf").json["id"],
    ]
    assert holder("POST", f"/complaints/{complaint['id']}/submit").status_code == 200
    decision = Api(client, world.prosecutor.token)(
        "POST",
        f"/complaints/{complaint['id']}/decision",
        json={
            "action": "accept",
            "case": {"case_number": "沪检知刑诉〔2026〕12号", "procuratorate": "Shanghai", "charges": "Art. 213"},
        },
    )
    assert decision.status_code == 200, decision.json
    return world, decision.json["case_id"], ids


def trust_file(app: Flask, path: Path, tsa: LocalTSA | None) -> Path:
    """What the portal publishes: the receipt key PEM, the checkpoint verifier key, the TSA root."""
    with app.app_context():
        notary = get_notary()
        receipt = notary.keys.private_key("receipt").public_key()
        checkpoint = notary.keys.private_key("checkpoint").public_key()
        text = public_pem(receipt) + Verifier(notary.origin, checkpoint).encode() + "\n"
    if tsa is not None:
        text += tsa.ca_file.read_text()
    path.write_text(text)
    return path


@pytest.fixture
def stamped_app(make_app: Callable[..., Flask], tsa: LocalTSA) -> Flask:
    return make_app(TSA_URL=tsa.url, TSA_CA_FILE=str(tsa.ca_file))


def test_bundle_validates_with_bagit_the_verifier_and_verify_md(
    stamped_app: Flask, tsa: LocalTSA, tmp_path: Path
) -> None:
    app = stamped_app
    client = app.test_client()
    world, case_id, ids = case_with_evidence(app, client)
    response = Api(client, world.prosecutor.token)("GET", f"/cases/{case_id}/bundle")
    assert response.status_code == 200, response.data[:500]
    assert response.mimetype == "application/zip"
    assert "Content-Length" not in response.headers  # streamed: the evidence list renders meanwhile
    bundle_zip = tmp_path / "bundle.zip"
    bundle_zip.write_bytes(response.data)

    report = verify_bundle(bundle_zip, load_trust(trust_file(app, tmp_path / "trust.pem", tsa)))
    assert report.ok, "\n".join(c.line() for c in report.checks)
    assert all(c.status == "pass" for c in report.checks), "\n".join(c.line() for c in report.checks)

    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        archive.extractall(tmp_path / "out")
        names = archive.namelist()
    bag_dir = next((tmp_path / "out").iterdir())
    bag = bagit.Bag(str(bag_dir))
    bag.validate(fast=False)
    originals = [n for n in names if "/original/" in n and not n.endswith(".tsr")]
    assert len(originals) == 2 and any(n.endswith("店铺照片 1.png") for n in originals)
    assert (bag_dir / "data/evidence-list.pdf").read_bytes().startswith(b"%PDF")
    listing = (bag_dir / "data/evidence-list.csv").read_text("utf-8-sig")
    header = listing.splitlines()[0]
    assert "文件名 File name" in header and "SHA-256" in header and "SM3" in header
    assert "店铺照片 1.png" in listing and "其他 Other" in listing

    script = (bag_dir / "VERIFY.md").read_text().split("```sh\n", 1)[1].split("```", 1)[0]
    done = subprocess.run(
        ["bash", "-c", script],
        cwd=bag_dir,
        env={"PATH": f"{BIN}:/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "all checks passed" in done.stdout


def test_cli_prints_one_line_per_check_and_a_verdict(stamped_app: Flask, tsa: LocalTSA, tmp_path: Path) -> None:
    app = stamped_app
    client = app.test_client()
    world, case_id, ids = case_with_evidence(app, client)
    subset = Api(client, world.prosecutor.token)("GET", f"/cases/{case_id}/bundle?evidence={ids[1]}")
    assert subset.status_code == 200
    bundle_zip = tmp_path / "subset.zip"
    bundle_zip.write_bytes(subset.data)
    trust = trust_file(app, tmp_path / "trust.pem", tsa)
    for command in ([str(BIN / "evidence-verify")], [sys.executable, "-m", "evidence", "verify"]):
        done = subprocess.run([*command, str(bundle_zip), "--trust", str(trust)], capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
        lines = done.stdout.splitlines()
        assert lines[-1] == "VERIFIED"
        assert any(line.startswith(f"PASS  item {ids[1]}:") for line in lines)
        assert not any(f"item {ids[0]}" in line for line in lines)
    untrusted = subprocess.run(
        [str(BIN / "evidence-verify"), str(bundle_zip), "--json"], capture_output=True, text=True
    )
    assert untrusted.returncode == 0
    import json

    report = json.loads(untrusted.stdout)
    assert report["verdict"] == "VERIFIED, with warnings"
    assert report["checks"][0]["status"] == "warn" and "no --trust" in report["checks"][0]["detail"]


def test_bad_bundle_requests_are_refused_precisely(app: Flask, client: FlaskClient) -> None:
    world, case_id, ids = case_with_evidence(app, client)
    prosecutor = Api(client, world.prosecutor.token)
    bad = prosecutor("GET", f"/cases/{case_id}/bundle?evidence=1,x")
    assert bad.status_code == 422 and "evidence" in bad.json["fields"]
    stranger = prosecutor("GET", f"/cases/{case_id}/bundle?evidence={ids[0]},9999")
    assert stranger.status_code == 422
    assert stranger.json["detail"] == "Not evidence of this case: 9999."
    assert prosecutor("GET", "/cases/9999/bundle").status_code == 404
    assert Api(client, world.holder_a.token)("GET", f"/cases/{case_id}/bundle").status_code == 403
    empty = prosecutor("POST", "/cases", json={"case_number": "B-2", "procuratorate": "P", "charges": "C"})
    nothing = prosecutor("GET", f"/cases/{empty.json['id']}/bundle")
    assert nothing.status_code == 409 and "no evidence to export" in nothing.json["detail"]


def test_export_from_the_case_page_and_its_custody_event(app: Flask, client: FlaskClient) -> None:
    world, case_id, ids = case_with_evidence(app, client)
    app.config["WTF_CSRF_ENABLED"] = False
    sign_in(client, world.prosecutor.email)
    page = client.get(f"/cases/{case_id}")
    assert "Export evidence bundle" in page.text and f'value="{ids[1]}" checked' in page.text
    refused = client.post(f"/cases/{case_id}/bundle", data={}, follow_redirects=True)
    assert "Choose at least one evidence item to export." in refused.text
    download = client.post(f"/cases/{case_id}/bundle", data={"evidence": [str(ids[0])]})
    assert download.status_code == 200 and download.mimetype == "application/zip"
    assert "attachment" in download.headers["Content-Disposition"]
    custody = Api(client, world.prosecutor.token)("GET", f"/evidence/{ids[0]}/custody").json
    assert custody["chain_ok"] and custody["events"][-1]["action"] == "exported"
    untouched = Api(client, world.prosecutor.token)("GET", f"/evidence/{ids[1]}/custody").json
    assert untouched["events"][-1]["action"] != "exported"


def test_items_without_receipts_are_refused_by_name(app: Flask, client: FlaskClient) -> None:
    world, case_id, ids = case_with_evidence(app, client)
    with app.app_context():
        db = get_session()
        db.delete(db.get(Receipt, ids[0]))  # as for an item received before receipts existed
        db.commit()
    refused = Api(client, world.prosecutor.token)("GET", f"/cases/{case_id}/bundle")
    assert refused.status_code == 409
    assert refused.json["fields"] == {"evidence": f"Without receipts: {ids[0]}."}
    assert Api(client, world.prosecutor.token)("GET", f"/cases/{case_id}/bundle?evidence={ids[1]}").status_code == 200


def test_custody_from_before_the_log_and_missing_receipts_are_refused(app: Flask, client: FlaskClient) -> None:
    world, case_id, ids = case_with_evidence(app, client)
    with app.app_context():
        db = get_session()
        leaf = db.scalars(select(LogEntry).where(LogEntry.evidence_id == ids[1], LogEntry.kind == "custody")).first()
        db.delete(leaf)  # as for custody recorded before migration 0003
        db.commit()
    refused = Api(client, world.prosecutor.token)("GET", f"/cases/{case_id}/bundle")
    assert refused.status_code == 409
    assert refused.json["fields"] == {"evidence": f"Recorded before the log: {ids[1]}."}
    with app.app_context():
        db = get_session()
        db.delete(db.get(Receipt, ids[0]))
        db.commit()
    receipt = Api(client, world.holder_a.token)("GET", f"/evidence/{ids[0]}/receipt")
    assert receipt.status_code == 409 and "before receipts were issued" in receipt.json["detail"]


def test_verifier_refuses_a_trust_file_without_keys(tmp_path: Path) -> None:
    empty = tmp_path / "trust.pem"
    empty.write_text("# nothing here\n")
    done = subprocess.run(
        [str(BIN / "evidence-verify"), str(tmp_path / "bundle.zip"), "--trust", str(empty)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and "holds no public key, verifier key or certificate" in done.stderr
    missing = subprocess.run(
        [str(BIN / "evidence-verify"), str(tmp_path / "absent.zip")], capture_output=True, text=True
    )
    assert missing.returncode == 1 and "cannot be read as a ZIP" in missing.stdout
