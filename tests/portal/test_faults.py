"""Faults from the outside, on a real gunicorn: killed workers, S3 killed and restarted, PostgreSQL restarted.

After each: no answer is a 500, every item answered 201 downloads intact, no
row lacks its object, and after the sweeper no object lacks its row.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from tests.faults import Tally, Target, audit, kill_before_commit, kill_mid_body, under_load
from tests.gunicorn import serve
from tests.servers import SeaweedS3, postgres_down, start_postgres

SIZE = 1024 * 1024


@pytest.fixture(scope="module", params=["sqlite-dir", "pg-s3"])
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    """The portal on its own servers, so that they can be stopped without harm to other tests."""
    tmp_path = tmp_path_factory.mktemp(request.param)
    extra: dict[str, str] = {}
    servers: list[object] = []
    if request.param == "pg-s3":
        pg, url = start_postgres(tmp_path / "pg")
        s3 = SeaweedS3(tmp_path / "weed")
        s3.make_bucket("faults")
        servers = [pg, s3]
        extra = {"DATABASE_URL": url, **s3.env("faults", f"f-{uuid.uuid4().hex[:8]}")}
    try:
        for portal in serve(tmp_path, extra, workers=2):
            database_url = extra.get("DATABASE_URL") or f"sqlite:///{tmp_path / 'instance' / 'portal.sqlite3'}"
            found = Target(portal, database_url)
            found.setup()
            found.servers = servers  # type: ignore[attr-defined]
            yield found
    finally:
        for server in servers:
            server.stop() if isinstance(server, SeaweedS3) else server.cleanup()  # type: ignore[attr-defined]


@pytest.fixture
def target(served: Target) -> Target:
    """The served portal, with a complaint of this test's own to upload into."""
    served.new_complaint()
    return served


# The embedded default has neither S3 nor a database server to stop.
production_only = pytest.mark.parametrize("served", ["pg-s3"], indirect=True)


def settled(target: Target, tally: Tally) -> None:
    """The audit after the faults, and again after the sweeper."""
    assert "500" not in tally.statuses, tally.statuses
    before = audit(target, tally)
    assert before.intact == len(tally.accepted), (before, tally.statuses)
    # A row beyond those answered 201 is whole evidence whose commit outlived its connection; nothing else.
    assert before.unclaimed <= tally.unanswered, (before, tally.statuses)
    assert before.rows == len(tally.accepted) + len(before.unclaimed) and before.rows_without_object == 0
    swept = target.portal.cli("evidence", "sweep", "--grace", "0")
    assert "0 failed" in swept
    after = audit(target, tally)
    assert after.orphans == 0 and after.rows_without_object == 0 and after.intact == len(tally.accepted)


def test_workers_killed_mid_body_and_before_commit(target: Target) -> None:
    tally = Tally()
    kill_mid_body(target, tally, 1, SIZE)
    kill_before_commit(target, tally, 2, SIZE)
    assert tally.mid_body == 1 and tally.statuses["broken"] >= 2
    after = b"%PDF-1.4\n% after the faults\n"
    status, answer = target.upload(after, "after.pdf")
    assert status == 201
    tally.record(status, answer, after)
    before = audit(target, tally)
    assert before.orphans >= 1  # the kill between store and commit left its object behind
    settled(target, tally)


@production_only
def test_s3_killed_mid_upload_and_restarted(target: Target) -> None:
    s3: SeaweedS3 = target.servers[1]  # type: ignore[attr-defined]
    tally = Tally()
    under_load(target, tally, 0, 16, SIZE, s3.kill)
    s3.start_again()
    assert tally.statuses["503"] > 0, tally.statuses
    for number in range(100, 104):  # the same portal, S3 back: uploads succeed again
        data = b"%PDF-1.4\n% back " + str(number).encode()
        tally.record(*target.upload(data, "back.pdf"), data)
    assert tally.statuses["201"] >= 4
    settled(target, tally)


@production_only
def test_postgres_restarted_under_load(target: Target) -> None:
    pg = target.servers[0]  # type: ignore[attr-defined]
    tally = Tally()

    def outage() -> None:
        postgres_down(pg, lambda: under_load(target, tally, 1000, 6, SIZE, lambda: None))

    under_load(target, tally, 0, 16, SIZE, outage)
    assert tally.statuses["503"] > 0, tally.statuses
    for number in range(2000, 2004):
        data = b"%PDF-1.4\n% after the restart " + str(number).encode()
        tally.record(*target.upload(data, "after.pdf"), data)
    settled(target, tally)
