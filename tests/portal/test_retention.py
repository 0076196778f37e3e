"""S3 Object Lock: evidence objects are written with retention, and the portal says whether the bucket enforces it."""

from __future__ import annotations

import base64
import hashlib
import os
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from botocore.exceptions import ClientError
from flask import Flask

from portal.cli import cli
from portal.settings import Settings, SettingsError
from tests.factories import PDF_BYTES, Api, make_world, png_bytes
from tests.servers import SeaweedS3


def test_locked_bucket_retains_every_evidence_object(
    stack_env: dict[str, str], make_app: Callable[..., Flask], request: pytest.FixtureRequest
) -> None:
    if "DATABASE_URL" not in stack_env:
        app = make_app()
        lines = app.test_cli_runner().invoke(cli, ["evidence", "retention"]).stdout
        assert "files are written read-only (0444)" in lines and "Object Lock needs an S3 store" in lines
        with pytest.raises(SettingsError, match="OBJECT_LOCK_MODE needs an S3 evidence store"):
            Settings.from_env({**stack_env, "OBJECT_LOCK_MODE": "compliance"})
        return
    s3: SeaweedS3 = request.getfixturevalue("s3")
    bucket = f"locked-{uuid.uuid4().hex[:10]}"
    s3.client.create_bucket(Bucket=bucket, ObjectLockEnabledForBucket=True)
    app = make_app(EVIDENCE_STORE=f"s3://{bucket}/ev", OBJECT_LOCK_MODE="compliance", OBJECT_LOCK_DAYS="2")
    report = app.test_cli_runner().invoke(cli, ["evidence", "retention"]).stdout
    assert f"bucket {bucket}: Object Lock enabled" in report
    assert "portal asks for retention: COMPLIANCE for 2 days" in report
    assert "evidence objects are retained by the bucket" in report

    client = app.test_client()
    world = make_world(app)
    holder = Api(client, world.holder_a.token)
    complaint = holder.draft(world.right_a)
    small = png_bytes(color=(3, 4, 5))
    large = PDF_BYTES + os.urandom(6 * 1024 * 1024)
    declared = PDF_BYTES + os.urandom(6 * 1024 * 1024)
    digest = base64.b64encode(hashlib.sha256(declared).digest()).decode()
    uploads = [
        holder.upload(complaint["id"], small),
        holder.upload(complaint["id"], large, "staged-then-copied.pdf"),
        holder.upload(complaint["id"], declared, "direct.pdf", headers={"Repr-Digest": f"sha-256=:{digest}:"}),
    ]
    assert [u.status_code for u in uploads] == [201, 201, 201], [u.json for u in uploads]
    soon, later = datetime.now(UTC) + timedelta(days=2) - timedelta(minutes=5), datetime.now(UTC) + timedelta(days=2)
    for upload in uploads:
        sha = upload.json["sha256"]
        key = f"ev/objects/{sha[:2]}/{sha[2:4]}/{sha}"
        retention = s3.client.get_object_retention(Bucket=bucket, Key=key)["Retention"]
        assert retention["Mode"] == "COMPLIANCE" and soon <= retention["RetainUntilDate"] <= later
        version = s3.client.head_object(Bucket=bucket, Key=key).get("VersionId")
        with pytest.raises(ClientError):
            s3.client.delete_object(Bucket=bucket, Key=key, VersionId=version)

    plain = make_app(OBJECT_LOCK_MODE="governance")  # the test bucket has no Object Lock
    report = plain.test_cli_runner().invoke(cli, ["evidence", "retention"]).stdout
    assert "Object Lock is NOT enabled; stored evidence can be deleted or overwritten" in report
