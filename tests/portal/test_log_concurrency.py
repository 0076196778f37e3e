"""Concurrent appends on PostgreSQL: several gunicorn workers uploading at once leave a dense, unique log."""

from __future__ import annotations

import json
import urllib.request
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from evidence import merkle
from tests.conftest import reset_postgres
from tests.factories import PDF_BYTES
from tests.gunicorn import Portal, serve
from tests.servers import SeaweedS3

UPLOADS = 48


@pytest.fixture
def busy_portal(tmp_path: Path, postgres: str, s3: SeaweedS3) -> Iterator[tuple[Portal, str]]:
    reset_postgres(postgres)
    extra = {"DATABASE_URL": postgres, **s3.env("evidence-test", f"c-{uuid.uuid4().hex[:8]}")}
    for served in serve(tmp_path, extra, workers=4):
        yield served, postgres


def call(portal: Portal, token: str, method: str, path: str, body: bytes, headers: dict[str, str]) -> dict:  # type: ignore[type-arg]
    request = urllib.request.Request(
        portal.url + "/api/v1" + path,
        data=body,
        method=method,
        headers={"Authorization": f"Bearer {token}", **headers},
    )
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - loopback
        return json.loads(response.read())  # type: ignore[no-any-return]


def test_parallel_uploads_never_share_or_skip_an_index(busy_portal: tuple[Portal, str]) -> None:
    portal, database_url = busy_portal
    org = portal.cli("orgs", "create", "--name", "Maison", "--country", "FR")
    portal.cli("users", "create", "--email", "h@brand.example", "--password", "correct horse battery",
               "--role", "holder", "--org-id", org)  # fmt: skip
    token = portal.cli("tokens", "create", "--email", "h@brand.example")
    complaint = call(
        portal, token, "POST", "/complaints",
        json.dumps({"title": "T", "facts": "F", "right_ids": []}).encode(), {"Content-Type": "application/json"},
    )  # fmt: skip

    def upload(number: int) -> int:
        # PDFs, not pictures: a picture is decoded in a process of its own at upload, which is not under test.
        body = PDF_BYTES + b"%% upload %d" % number
        headers = {
            "Content-Type": "application/octet-stream",
            "Content-Disposition": f'attachment; filename="{number}.pdf"',
        }
        return call(portal, token, "POST", f"/complaints/{complaint['id']}/evidence", body, headers)["id"]

    with ThreadPoolExecutor(max_workers=16) as pool:
        ids = list(pool.map(upload, range(UPLOADS)))
    assert len(set(ids)) == UPLOADS

    portal.cli("log", "checkpoint")
    engine = create_engine(database_url)
    with engine.connect() as db:
        indexes = [row[0] for row in db.execute(text('SELECT "index" FROM log_entries ORDER BY "index"'))]
        leaves = [bytes(row[0]) for row in db.execute(text('SELECT leaf_hash FROM log_entries ORDER BY "index"'))]
        size = db.execute(text("SELECT size FROM log_head")).scalar_one()
        root = bytes(db.execute(text("SELECT root_hash FROM log_checkpoints ORDER BY size DESC")).scalars().first())
        custody = db.execute(text("SELECT count(*) FROM custody_events")).scalar_one()
    engine.dispose()
    # A receipt and a custody entry per upload, and the two signing keys logged at the checkpoint.
    assert indexes == list(range(2 * UPLOADS + 2)) and size == 2 * UPLOADS + 2
    assert custody == UPLOADS
    assert root == merkle.root(leaves)  # every stored node agrees with the leaves
