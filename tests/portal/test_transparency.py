"""The transparency log in the portal: every receipt and custody event is a leaf; checkpoints and proofs."""

from __future__ import annotations

import base64
import json

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from evidence import merkle
from evidence.checkpoint import open_checkpoint
from portal.cli import cli
from portal.db import get_session
from portal.models import CustodyEvent, LogEntry, Receipt
from portal.signing import get_notary
from tests.factories import Api, make_world, png_bytes


def checkpoint_now(app: Flask) -> str:
    result = app.test_cli_runner().invoke(cli, ["log", "checkpoint"])
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def b64(values: list[str]) -> list[bytes]:
    return [base64.b64decode(v) for v in values]


def test_every_receipt_and_custody_event_is_one_leaf(app: Flask, client: FlaskClient) -> None:
    world = make_world(app)
    holder = Api(client, world.holder_a.token)
    cid, eid = holder.submitted(world.right_a)
    holder.upload(cid, png_bytes(color=(1, 2, 3)))  # refused after submission: nothing logged
    assert holder("GET", f"/evidence/{eid}").status_code == 200
    with app.app_context():
        db = get_session()
        entries = db.scalars(select(LogEntry).order_by(LogEntry.index)).all()
        assert [e.index for e in entries] == list(range(len(entries)))
        events = db.scalars(select(CustodyEvent)).all()
        assert {e.custody_event_id for e in entries if e.kind == "custody"} == {e.id for e in events}
        receipt = db.get(Receipt, eid)
        assert receipt is not None and entries[receipt.log_index].data == receipt.body
        assert all(e.leaf_hash == merkle.leaf_hash(e.data) for e in entries)


def test_checkpoints_and_proofs_verify(app: Flask, client: FlaskClient) -> None:
    world = make_world(app)
    holder = Api(client, world.holder_a.token)
    assert client.get("/api/v1/log/checkpoint").status_code == 404
    assert checkpoint_now(app).startswith("checkpoint of size 2 signed")  # the two signing keys are logged first
    assert checkpoint_now(app) == "no new entries since the latest checkpoint"
    holder.submitted(world.right_a)
    assert checkpoint_now(app).startswith("checkpoint of size 4 signed")  # one receipt, one custody event
    holder.submitted(world.right_a, png_bytes(color=(9, 9, 9)))
    assert checkpoint_now(app).startswith("checkpoint of size 6 signed")

    with app.app_context():
        notary = get_notary()
        verifiers = notary.keys.verifiers("checkpoint", notary.origin)
        leaves = [e.data for e in get_session().scalars(select(LogEntry).order_by(LogEntry.index))]
    note = client.get("/api/v1/log/checkpoint")
    assert note.status_code == 200 and note.mimetype == "text/plain"
    checkpoint = open_checkpoint(note.text, notary.origin, verifiers)
    assert checkpoint.size == 6 and checkpoint.root_hash == merkle.root([merkle.leaf_hash(d) for d in leaves])

    for index, data in enumerate(leaves):
        proof = client.get(f"/api/v1/log/proof/inclusion?index={index}&size=6").json
        merkle.verify_inclusion(index, 6, merkle.leaf_hash(data), b64(proof["hashes"]), checkpoint.root_hash)
    old_root = merkle.root([merkle.leaf_hash(d) for d in leaves[:4]])
    consistency = client.get("/api/v1/log/proof/consistency?from=4&to=6").json
    merkle.verify_consistency(4, 6, b64(consistency["hashes"]), old_root, checkpoint.root_hash)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("/inclusion?index=0", "size"),
        ("/inclusion?index=-1&size=1", "index"),
        ("/inclusion?index=x&size=1", "index"),
        ("/inclusion?index=0&size=99", "size"),
        ("/inclusion?index=2&size=2", "index"),
        ("/consistency?from=0&to=2", "from"),
        ("/consistency?from=3&to=2", "from"),
        ("/consistency?from=1&to=99", "to"),
    ],
)
def test_bad_proof_requests_are_refused_precisely(app: Flask, client: FlaskClient, query: str, field: str) -> None:
    world = make_world(app)
    Api(client, world.holder_a.token).submitted(world.right_a)
    response = client.get("/api/v1/log/proof" + query)
    assert response.status_code == 422
    assert field in response.json["fields"], response.json


def test_log_is_public_but_nothing_else_is(client: FlaskClient) -> None:
    assert client.get("/api/v1/log/proof/inclusion?index=0&size=1").status_code == 422
    assert client.get("/api/v1/me").status_code == 401


def test_worker_round_makes_a_checkpoint(app: Flask, client: FlaskClient) -> None:
    world = make_world(app)
    Api(client, world.holder_a.token).submitted(world.right_a)
    result = app.test_cli_runner().invoke(cli, ["worker", "--once"])
    assert result.exit_code == 0 and "checkpoint of size 4 signed" in result.stdout
    with app.app_context():
        assert get_session().scalar(select(func.count()).select_from(LogEntry)) == 4


def test_key_changes_are_logged_with_the_key_they_replace(app: Flask, client: FlaskClient) -> None:
    checkpoint_now(app)
    assert app.test_cli_runner().invoke(cli, ["keys", "rotate", "--role", "receipt"]).exit_code == 0
    assert checkpoint_now(app).startswith("checkpoint of size 3 signed")
    with app.app_context():
        records = [json.loads(e.data) for e in get_session().scalars(select(LogEntry).where(LogEntry.kind == "key"))]
    assert [(r["role"], r["replaces"] is None) for r in records] == [
        ("checkpoint", True),
        ("receipt", True),
        ("receipt", False),
    ]
    assert records[2]["replaces"] == records[1]["fingerprint"] != records[2]["fingerprint"]


def test_after_rotation_checkpoints_carry_both_keys_during_the_overlap(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        notary = get_notary()
        old = notary.keys.verifiers("checkpoint", notary.origin)
    checkpoint_now(app)
    rotated = app.test_cli_runner().invoke(cli, ["keys", "rotate", "--role", "checkpoint"])
    assert "co-signs checkpoints for 30 more days" in rotated.stdout
    refused = app.test_cli_runner().invoke(cli, ["keys", "rotate", "--role", "receipt", "--overlap-days", "5"])
    assert refused.exit_code == 1 and "only the checkpoint key co-signs" in refused.stderr
    assert checkpoint_now(app).startswith("checkpoint of size 3 signed")  # the new key is logged
    note = client.get("/api/v1/log/checkpoint").text
    assert note.count("\n— ") == 2 and open_checkpoint(note, notary.origin, old).size == 3
