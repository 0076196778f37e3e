"""Fault-injected uploads: nothing lost, nothing damaged, no orphan left after the sweeper, no 500.

Serves the portal with gunicorn (two workers) on PostgreSQL + SeaweedFS S3,
both started from their PyPI packages, and on the embedded default
(SQLite + a directory). Four clients upload distinct files while, once per
round, one fault strikes: every worker killed (SIGKILL) mid-body; every
worker killed while the uploads in flight wait to commit, their objects
already stored; S3 killed and started again; PostgreSQL stopped at once
and started again. Then every item answered 201 is downloaded and checked,
every row's object looked for, orphans counted, the sweeper run, and
orphans counted again.

    .venv/bin/python bench/faults.py [--trials 1000] [--per-round 50] [--size-kib 256]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.faults import Tally, Target, audit, commits_held, under_load, wait_for  # noqa: E402
from tests.gunicorn import serve  # noqa: E402
from tests.servers import SeaweedS3, postgres_down, start_postgres  # noqa: E402


def objects_ahead_of_rows(target: Target) -> bool:
    """Some upload has stored its object but not committed its row."""
    rows = len(audit_rows(target))
    return sum(1 for _found in target.store().listing("objects")) > rows


def audit_rows(target: Target) -> list[str]:
    from sqlalchemy import create_engine, text

    engine = create_engine(target.database_url)
    with engine.connect() as conn:
        found = list(conn.execute(text("SELECT sha256 FROM evidence_items")).scalars())
    engine.dispose()
    return found


def kill_before_commit(target: Target) -> None:
    """Hold the commits back until an upload has stored its object, then kill every worker."""
    with commits_held(target.database_url):
        wait_for(lambda: objects_ahead_of_rows(target))
        target.kill_workers()


def run(stack: str, target: Target, kinds: dict[str, Callable[[], None]], trials: int, per_round: int,
        size: int) -> dict[str, object]:  # fmt: skip
    tally = Tally()
    rounds: Counter[str] = Counter()
    names = list(kinds)
    started = time.monotonic()
    number = 0
    while tally.trials < trials:
        kind = names[sum(rounds.values()) % len(names)]
        under_load(target, tally, number, per_round, size, kinds[kind])
        rounds[kind] += 1
        number += per_round
        target.portal.wait_healthy()
    before = audit(target, tally)
    swept = target.portal.cli("evidence", "sweep", "--grace", "0").splitlines()[-1]
    after = audit(target, tally)
    return {
        "stack": stack,
        "rounds": dict(rounds),
        "trials": tally.trials,
        "struck mid-body": tally.statuses["broken"],
        "items (201)": len(tally.accepted),
        "intact": after.intact,
        "lost": after.lost,
        "damaged": after.damaged,
        "rows without object": after.rows_without_object,
        "orphans before sweep": before.orphans,
        "orphans after sweep": after.orphans,
        "statuses": dict(sorted(tally.statuses.items())),
        "sweep": swept,
        "seconds": round(time.monotonic() - started),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=1000, help="uploads per stack (default 1000)")
    parser.add_argument("--per-round", type=int, default=50, help="uploads per fault (default 50)")
    parser.add_argument("--size-kib", type=int, default=256)
    args = parser.parse_args()
    size = args.size_kib * 1024
    results = []
    with tempfile.TemporaryDirectory(prefix="faults-") as workdir:
        root = Path(workdir)
        pg, url = start_postgres(root / "pg")
        s3 = SeaweedS3(root / "weed")
        s3.make_bucket("faults")
        try:
            extra = {"DATABASE_URL": url, **s3.env("faults", f"b-{uuid.uuid4().hex[:8]}")}
            for portal in serve(root / "pg-s3", extra, workers=2):
                target = Target(portal, url)
                target.setup()

                def s3_outage() -> None:
                    s3.kill()
                    s3.start_again()

                kinds = {
                    "worker killed mid-body": target.kill_workers,
                    "worker killed before commit": partial(kill_before_commit, target),
                    "S3 killed and restarted": s3_outage,
                    "PostgreSQL stopped and restarted": lambda: postgres_down(pg, lambda: time.sleep(1)),
                }
                results.append(run("PostgreSQL + S3", target, kinds, args.trials, args.per_round, size))
            for portal in serve(root / "sqlite", {}, workers=2):
                database = f"sqlite:///{root / 'sqlite' / 'instance' / 'portal.sqlite3'}"
                target = Target(portal, database)
                target.setup()

                kinds = {
                    "worker killed mid-write": target.kill_workers,
                    "worker killed before commit": partial(kill_before_commit, target),
                }
                results.append(run("SQLite + directory", target, kinds, args.trials, args.per_round, size))
        finally:
            s3.stop()
            pg.cleanup()  # type: ignore[attr-defined]
    for result in results:
        print()
        for name, value in result.items():
            print(f"{name:>22}: {value}")


if __name__ == "__main__":
    main()
