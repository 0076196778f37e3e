"""The sweeper removes what no row uses once it is older than the grace period, and nothing else."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from evidence.ingest import ingest
from evidence.stores import derived_key, object_key
from evidence.stores.directory import DirectoryStore
from evidence.stores.s3 import S3Store
from portal.cli import cli
from portal.settings import Settings, SettingsError
from portal.storage import get_store
from tests.damage import read_all
from tests.factories import PDF_BYTES, Api, make_world, png_bytes
from tests.servers import SeaweedS3

LARGE = PDF_BYTES + bytes(range(256)) * (6 * 1024 * 1024 // 256)


def leftovers(app: Flask) -> dict[str, str]:
    """Everything an upload cut off halfway leaves: an object whose row never committed, a staged
    upload (an unfinished multipart upload on S3) and a preview of an item that never was."""
    with app.app_context():
        store = get_store()
        orphan = ingest([PDF_BYTES + b"% orphan"], store, max_bytes=1 << 20)
        if isinstance(store, DirectoryStore):
            (store.staging_dir / "upload-killed").write_bytes(LARGE)
        else:
            assert isinstance(store, S3Store)
            killed = store.full_key("staging/killed")
            upload = store.client.create_multipart_upload(Bucket=store.bucket, Key=killed)["UploadId"]
            store.client.upload_part(Bucket=store.bucket, Key=killed, UploadId=upload, PartNumber=1, Body=LARGE)
        preview = derived_key(hashlib.sha256(b"never received").hexdigest(), "preview-1.jpg")
        store.put_derived(preview, b"\xff\xd8jpeg", "image/jpeg")
    return {"object": orphan.key, "preview": preview}


def keys(app: Flask) -> set[str]:
    with app.app_context():
        store = get_store()
        found = {f.key for area in ("objects", "derived", "staging") for f in store.listing(area)}
        return found | {f"upload:{f.key}" for f in store.unfinished_uploads()}


def test_sweep_removes_only_old_unused_objects(app: Flask, client: FlaskClient) -> None:
    world = make_world(app)
    holder = Api(client, world.holder_a.token)
    complaint = holder.draft(world.right_a)["id"]
    kept = [holder.upload(complaint, png_bytes(color=(7, 8, 9))).json, holder.upload(complaint, LARGE, "a.pdf").json]
    orphans = leftovers(app)
    before = keys(app)
    assert orphans["object"] in before and orphans["preview"] in before
    assert any(k.startswith(("staging/", "upload:")) for k in before)

    runner = app.test_cli_runner()
    young = runner.invoke(cli, ["evidence", "sweep"])  # SWEEP_GRACE, a day: everything is in flight still
    assert young.exit_code == 0, young.output
    assert "younger than 24h" in young.stdout and "0 removed" in young.stdout and keys(app) == before

    swept = runner.invoke(cli, ["evidence", "sweep", "--grace", "0"])
    assert swept.exit_code == 0, swept.output
    assert f"removed   {orphans['object']}" in swept.stdout and f"removed   {orphans['preview']}" in swept.stdout
    assert "3 removed, 0 orphaned and locked, 0 failed" in swept.stdout
    after = keys(app)
    used = {object_key(item["sha256"]) for item in kept}
    assert used | {derived_key(kept[0]["sha256"], "thumb-320.jpg")} == after
    for item in kept:
        content = holder("GET", f"/evidence/{item['id']}/content")
        assert hashlib.sha256(content.data).hexdigest() == item["sha256"]

    again = runner.invoke(cli, ["evidence", "sweep", "--grace", "0"])
    assert "0 removed" in again.stdout and keys(app) == after


def test_sweep_grace_is_a_duration(stack_env: dict[str, str]) -> None:
    assert Settings.from_env(stack_env).sweep_grace == 86400
    assert Settings.from_env({**stack_env, "SWEEP_GRACE": "90m"}).sweep_grace == 5400
    assert Settings.from_env({**stack_env, "SWEEP_GRACE": "3600"}).sweep_grace == 3600
    assert Settings.from_env({**stack_env, "SWEEP_GRACE": "2d"}).sweep_grace == 172800
    for bad in ("soon", "-5", "1.5h", "h"):
        with pytest.raises(SettingsError, match="SWEEP_GRACE must be a duration"):
            Settings.from_env({**stack_env, "SWEEP_GRACE": bad})
    with pytest.raises(SettingsError, match="SWEEP_GRACE must be at most"):
        Settings.from_env({**stack_env, "SWEEP_GRACE": "400d"})


def test_object_lock_keeps_an_orphan_which_the_sweep_lists(
    stack_env: dict[str, str], make_app: Callable[..., Flask], request: pytest.FixtureRequest
) -> None:
    if "DATABASE_URL" not in stack_env:
        pytest.skip("Object Lock is an S3 feature; the directory store has none")
    s3: SeaweedS3 = request.getfixturevalue("s3")
    bucket = f"locked-{uuid.uuid4().hex[:10]}"
    s3.client.create_bucket(Bucket=bucket, ObjectLockEnabledForBucket=True)
    app = make_app(EVIDENCE_STORE=f"s3://{bucket}/ev", OBJECT_LOCK_MODE="compliance", OBJECT_LOCK_DAYS="2")
    with app.app_context():
        orphan = ingest([PDF_BYTES + b"% locked orphan"], get_store(), max_bytes=1 << 20)
    result = app.test_cli_runner().invoke(cli, ["evidence", "sweep", "--grace", "0"])
    assert result.exit_code == 0, result.output
    assert f"LOCKED    {orphan.key}  orphaned, retained by Object Lock until" in result.stdout
    assert "0 removed, 1 orphaned and locked, 0 failed" in result.stdout
    with app.app_context():
        assert read_all(get_store(), orphan.key) == PDF_BYTES + b"% locked orphan"


def test_a_store_that_fails_makes_the_sweep_exit_1(make_app: Callable[..., Flask], stack_env: dict[str, str]) -> None:
    if "DATABASE_URL" not in stack_env:
        pytest.skip("a local folder does not go away; S3 does")
    app = make_app(S3_ENDPOINT_URL="http://127.0.0.1:9")
    result = app.test_cli_runner().invoke(cli, ["evidence", "sweep", "--grace", "0"])
    assert result.exit_code == 1 and "the evidence store is unavailable: Could not connect" in result.output


def test_the_worker_sweeps_with_its_grace(make_app: Callable[..., Flask]) -> None:
    app = make_app(SWEEP_GRACE="0s")
    orphans = leftovers(app)
    result = app.test_cli_runner().invoke(cli, ["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert f"removed   {orphans['object']}" in result.stdout and "3 removed" in result.stdout
    assert keys(app) == set()
