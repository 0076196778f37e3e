"""The tamper matrix: each way of altering an exported bundle is caught, with a message naming what failed."""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import bagit
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask
from sqlalchemy import select

from evidence import merkle
from evidence.checkpoint import Checkpoint
from evidence.keys import public_pem
from evidence.verify import Report, Trust, load_trust, verify_bundle
from portal.cli import cli
from portal.db import get_session
from portal.models import Base, LogEntry
from portal.signing import get_notary
from tests.conftest import SECRET, build_app
from tests.factories import Api
from tests.portal.test_bundles import case_with_evidence, trust_file
from tests.tsa import LocalTSA


@dataclass
class Exported:
    app: Flask
    zip_path: Path
    trust: Trust
    ids: list[int]


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory, tsa: LocalTSA) -> Iterator[Exported]:
    """One bundle, with an earlier checkpoint in it, that each test alters a copy of."""
    base = tmp_path_factory.mktemp("tamper")
    env = {"INSTANCE_PATH": str(base / "instance"), "SECRET_KEY": SECRET, "SECURE_COOKIES": "false"}
    app = build_app(env, TSA_URL=tsa.url, TSA_CA_FILE=str(tsa.ca_file))
    Base.metadata.create_all(app.extensions["db_engine"])
    client = app.test_client()
    world, case_id, ids = case_with_evidence(app, client)
    assert app.test_cli_runner().invoke(cli, ["log", "checkpoint"]).exit_code == 0
    response = Api(client, world.prosecutor.token)("GET", f"/cases/{case_id}/bundle")
    assert response.status_code == 200
    zip_path = base / "bundle.zip"
    zip_path.write_bytes(response.data)
    trust = load_trust(trust_file(app, base / "trust.pem", tsa))
    assert verify_bundle(zip_path, trust).ok
    yield Exported(app, zip_path, trust, ids)
    app.extensions["db_engine"].dispose()


def tampered(exported: Exported, tmp_path: Path, change: Callable[[Path], None], *, remanifest: bool) -> Report:
    """Unpack, apply ``change`` to the bag folder, optionally recompute every manifest, re-zip, verify."""
    with zipfile.ZipFile(exported.zip_path) as archive:
        archive.extractall(tmp_path / "out")
    bag_dir = next((tmp_path / "out").iterdir())
    change(bag_dir)
    if remanifest:
        bagit.Bag(str(bag_dir)).save(manifests=True)
    rezipped = tmp_path / "tampered.zip"
    with zipfile.ZipFile(rezipped, "w") as archive:
        for path in sorted(bag_dir.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(tmp_path / "out").as_posix())
    report = verify_bundle(rezipped, exported.trust)
    assert not report.ok
    return report


def failures(report: Report) -> str:
    return "\n".join(c.line() for c in report.checks if c.status == "fail")


def item_dir(bag_dir: Path, evidence_id: int) -> Path:
    return bag_dir / "data" / "evidence" / str(evidence_id)


def test_swapped_original_with_manifests_recomputed(exported: Exported, tmp_path: Path) -> None:
    first = exported.ids[0]

    def swap(bag_dir: Path) -> None:
        original = next((item_dir(bag_dir, first) / "original").iterdir())
        shutil.copyfile(next((item_dir(bag_dir, exported.ids[1]) / "original").iterdir()), original)

    report = failures(tampered(exported, tmp_path, swap, remanifest=True))
    assert f"FAIL  item {first}: data/evidence/{first}/original/店铺照片 1.png has" in report
    assert "does not match its receipt: SHA256 is" in report
    assert "FAIL  export seal: tagmanifest-sha256.txt is not signed by a trusted receipt key" in report


def test_edited_custody_entry_with_manifests_recomputed(exported: Exported, tmp_path: Path) -> None:
    first = exported.ids[0]

    def edit(bag_dir: Path) -> None:
        custody = item_dir(bag_dir, first) / "custody.jsonl"
        lines = custody.read_bytes().splitlines(keepends=True)
        lines[1] = lines[1].replace(b'"action":"linked"', b'"action":"viewed"')
        custody.write_bytes(b"".join(lines))

    report = failures(tampered(exported, tmp_path, edit, remanifest=True))
    assert f"FAIL  item {first} custody:" in report
    assert "entry 2 was altered (its hash does not match its content)" in report
    assert "entry 2 not proven in the log" in report


def test_removed_custody_entry(exported: Exported, tmp_path: Path) -> None:
    first = exported.ids[0]

    def remove(bag_dir: Path) -> None:
        custody = item_dir(bag_dir, first) / "custody.jsonl"
        lines = custody.read_bytes().splitlines(keepends=True)
        custody.write_bytes(b"".join(lines[:1] + lines[2:]))
        (item_dir(bag_dir, first) / "custody" / "2.tlog-proof").unlink()

    report = failures(tampered(exported, tmp_path, remove, remanifest=True))
    assert "entry 2 is missing (found entry 3 in its place)" in report


def test_removed_last_custody_entry(exported: Exported, tmp_path: Path) -> None:
    first = exported.ids[0]

    def remove(bag_dir: Path) -> None:
        custody = item_dir(bag_dir, first) / "custody.jsonl"
        lines = custody.read_bytes().splitlines(keepends=True)
        custody.write_bytes(b"".join(lines[:-1]))

    report = failures(tampered(exported, tmp_path, remove, remanifest=True))
    assert "the chain does not end at the recorded head: entries were removed or added" in report


def test_receipt_resigned_with_another_key_shipped_in_the_bundle(exported: Exported, tmp_path: Path) -> None:
    first = exported.ids[0]
    forger = Ed25519PrivateKey.generate()

    def resign(bag_dir: Path) -> None:
        receipt = item_dir(bag_dir, first) / "receipt.json"
        (item_dir(bag_dir, first) / "receipt.json.sig").write_bytes(forger.sign(receipt.read_bytes()))
        (bag_dir / "data" / "keys" / "receipt.pem").write_text(public_pem(forger.public_key()))

    def reseal(bag_dir: Path) -> None:
        resign(bag_dir)
        bagit.Bag(str(bag_dir)).save(manifests=True)
        manifest = (bag_dir / "tagmanifest-sha256.txt").read_bytes()
        (bag_dir / "tagmanifest-sha256.txt.sig").write_bytes(forger.sign(manifest))

    report = failures(tampered(exported, tmp_path, reseal, remanifest=False))
    assert f"FAIL  item {first}: data/evidence/{first}/receipt.json is not signed by a trusted receipt key" in report
    assert "FAIL  export seal: tagmanifest-sha256.txt is not signed by a trusted receipt key" in report


def test_extra_file(exported: Exported, tmp_path: Path) -> None:
    def add(bag_dir: Path) -> None:
        (item_dir(bag_dir, exported.ids[0]) / "original" / "planted.jpg").write_bytes(b"\xff\xd8\xff planted")

    report = failures(tampered(exported, tmp_path, add, remanifest=False))
    planted = f"data/evidence/{exported.ids[0]}/original/planted.jpg"
    assert f"FAIL  bag completeness: {planted} is in the bag but in no manifest (an added file)" in report
    assert f"{planted} is in the bag but not in the statement" in report


def test_truncated_file(exported: Exported, tmp_path: Path) -> None:
    second = exported.ids[1]

    def truncate(bag_dir: Path) -> None:
        original = next((item_dir(bag_dir, second) / "original").iterdir())
        original.write_bytes(original.read_bytes()[:-10])

    report = failures(tampered(exported, tmp_path, truncate, remanifest=False))
    path = f"data/evidence/{second}/original/notarial certificate.pdf"
    assert f"FAIL  bag fixity: {path}: sha256 is" in report
    assert f"{path} has 115 bytes, its receipt says 125" in report


def test_checkpoint_whose_tree_shrank(exported: Exported, tmp_path: Path) -> None:
    with exported.app.app_context():
        notary = get_notary()
        leaves = [e.leaf_hash for e in get_session().scalars(select(LogEntry).order_by(LogEntry.index))]
        earlier = next(line for line in _read(exported, "data/log/previous-checkpoint.txt").splitlines()[1:2])
        shrunk = int(earlier) - 1
        forged = Checkpoint(notary.origin, shrunk, merkle.root(leaves[:shrunk])).signed(*notary.checkpoint_signers())
        seal_key = notary.keys.private_key("receipt")

    def shrink(bag_dir: Path) -> None:
        (bag_dir / "data" / "log" / "checkpoint.txt").write_text(forged)
        bagit.Bag(str(bag_dir)).save(manifests=True)
        manifest = (bag_dir / "tagmanifest-sha256.txt").read_bytes()
        (bag_dir / "tagmanifest-sha256.txt.sig").write_bytes(seal_key.sign(manifest))  # an insider's re-seal

    report = failures(tampered(exported, tmp_path, shrink, remanifest=False))
    assert f"FAIL  log consistency: the log shrank: this checkpoint has {shrunk} entries, an earlier one had" in report


def _read(exported: Exported, member: str) -> str:
    with zipfile.ZipFile(exported.zip_path) as archive:
        name = next(n for n in archive.namelist() if n.endswith(member))
        return archive.read(name).decode()


def test_malformed_records_and_archives_fail_without_a_crash(exported: Exported, tmp_path: Path) -> None:
    first = exported.ids[0]

    def garble(bag_dir: Path) -> None:
        (item_dir(bag_dir, first) / "receipt.json").write_text("{not json")

    report = failures(tampered(exported, tmp_path, garble, remanifest=True))
    assert f"FAIL  item {first}: a record cannot be read: JSONDecodeError" in report
    not_a_zip = tmp_path / "bundle.zip"
    not_a_zip.write_bytes(b"PK\x03\x04 truncated")
    assert "cannot be read as a ZIP" in failures(verify_bundle(not_a_zip, exported.trust))
