"""Scrub finds a flipped byte and a deleted object, in the directory store and in S3."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from portal.cli import cli
from portal.storage import get_store
from tests.damage import flip_a_byte
from tests.factories import PDF_BYTES, Api, make_world, png_bytes


def test_scrub_reports_and_records_altered_and_missing_objects(app: Flask, client: FlaskClient) -> None:
    world = make_world(app)
    holder = Api(client, world.holder_a.token)
    complaint = holder.draft(world.right_a)
    intact = holder.upload(complaint["id"], png_bytes(color=(1, 1, 1))).json
    altered = holder.upload(complaint["id"], png_bytes(color=(2, 2, 2))).json
    deleted = holder.upload(complaint["id"], PDF_BYTES, "certificate.pdf").json
    runner = app.test_cli_runner()

    clean = runner.invoke(cli, ["evidence", "scrub"])
    assert clean.exit_code == 0, clean.output
    assert "3 objects" in clean.stdout and "3 intact, 0 altered, 0 missing" in clean.stdout

    with app.app_context():
        store = get_store()
        flip_a_byte(store, f"objects/{altered['sha256'][:2]}/{altered['sha256'][2:4]}/{altered['sha256']}")
        store.delete(f"objects/{deleted['sha256'][:2]}/{deleted['sha256'][2:4]}/{deleted['sha256']}")

    result = runner.invoke(cli, ["evidence", "scrub"])
    assert result.exit_code == 1
    assert f"MISMATCH  {altered['sha256']}  now reads " in result.stdout
    assert f"(evidence {altered['id']})" in result.stdout
    assert f"MISSING   {deleted['sha256']}  (evidence {deleted['id']})" in result.stdout
    assert "1 intact, 1 altered, 1 missing" in result.stdout
    assert "Scrubbing" in result.stderr  # the progress bar

    custody = {i["id"]: holder("GET", f"/evidence/{i['id']}/custody").json for i in (intact, altered, deleted)}
    assert custody[intact["id"]]["events"][-1]["action"] == "received"
    assert custody[altered["id"]]["events"][-1]["outcome"] == "mismatch"
    assert custody[altered["id"]]["events"][-1]["details"]["via"] == "scrub"
    assert custody[deleted["id"]]["events"][-1]["outcome"] == "missing"
    assert all(c["chain_ok"] for c in custody.values())
