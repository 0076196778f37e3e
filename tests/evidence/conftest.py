"""Stores for the library tests: a directory, and a bucket on the real S3 server."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from evidence.stores import Store, open_store
from tests.servers import S3_KEY, S3_SECRET


@pytest.fixture(params=["directory", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    if request.param == "directory":
        return open_store(str(tmp_path / "store"))
    s3 = request.getfixturevalue("s3")
    return open_store(
        f"s3://evidence-test/lib-{uuid.uuid4().hex[:10]}",
        endpoint_url=s3.endpoint,
        region="us-east-1",
        access_key=S3_KEY,
        secret_key=S3_SECRET,
    )
