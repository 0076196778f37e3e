"""Every main page and list operation at two sizes of data on PostgreSQL, beside a hello-world baseline.

For each size (complaints; evidence items are ten times as many), starts
from an empty PostgreSQL database, fills it with ``bench/dataset.py``,
serves the portal with gunicorn (4 workers, as the issue's machine did, on
whatever cores this machine has) and then, for every operation:

- times ``--repeat`` requests one after another over HTTP, signed in as
  its user would be (a page with the browser's session, the API with a
  token), and prints the median and the 95th percentile;
- counts the SQL statements one request runs, through the same app in this
  process, watching its engine;
- asks PostgreSQL for the plan of each of those statements and flags a
  sequential scan over any table of more than 10^4 rows.

A hello-world Flask app served by the same gunicorn gives the floor. The
last table shows how each operation's p95 and query count grew from the
smaller size to the larger.

    .venv/bin/python bench/scale.py [--sizes 10000,100000] [--repeat 30] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import pyotp
import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.dataset import generate  # noqa: E402
from portal.services.paging import Position  # noqa: E402
from tests.gunicorn import BIN, Portal, serve  # noqa: E402
from tests.servers import free_port, start_postgres  # noqa: E402

WORKERS = 4
BIG_TABLE = 10_000
SIGNED_IN = {"holder": "holder", "prosecutor": "prosecutor", "supervisor": "supervisor"}


@dataclass(frozen=True)
class Operation:
    name: str
    who: str
    """holder, prosecutor or supervisor"""
    path: str
    api: bool


def operations(ids: dict[str, Any]) -> list[Operation]:
    """What each audience does most, with ids of rows that exist at this size."""
    h, p, s = "holder", "prosecutor", "supervisor"
    return [
        Operation("holder: complaints page", h, "/complaints", False),
        Operation("holder: complaints API, first page", h, "/api/v1/complaints", True),
        Operation("holder: complaints API, deep page", h, f"/api/v1/complaints?cursor={ids['holder_deep']}", True),
        Operation("holder: a complaint page", h, f"/complaints/{ids['holder_complaint']}", False),
        Operation("holder: a complaint, API", h, f"/api/v1/complaints/{ids['holder_complaint']}", True),
        Operation("holder: cases page", h, "/cases/", False),
        Operation("holder: cases API", h, "/api/v1/cases", True),
        Operation("holder: a case page", h, f"/cases/{ids['holder_case']}", False),
        Operation("holder: notifications page", h, "/notifications/", False),
        Operation("holder: notifications API", h, "/api/v1/notifications", True),
        Operation("prosecutor: review queue, first page", p, "/review/", False),
        Operation("prosecutor: review queue, deep page", p, f"/review/?cursor={ids['queue_deep']}", False),
        Operation("prosecutor: review queue API", p, "/api/v1/review/complaints", True),
        Operation(
            "prosecutor: review queue API, deep page", p, f"/api/v1/review/complaints?cursor={ids['queue_deep']}", True
        ),  # fmt: skip
        Operation("prosecutor: search 'counterfeit'", p, "/review/search?q=counterfeit", False),
        Operation("prosecutor: search '假冒'", p, "/review/search?q=%E5%81%87%E5%86%92", False),
        Operation("prosecutor: search 'c' (every complaint)", p, "/review/search?q=c", False),
        Operation("prosecutor: search API 'counterfeit'", p, "/api/v1/review/search?q=counterfeit", True),
        Operation("prosecutor: clusters page", p, "/review/clusters", False),
        Operation("prosecutor: clusters API", p, "/api/v1/review/clusters", True),
        Operation("prosecutor: shared infringers page", p, "/review/infringers", False),
        Operation("prosecutor: shared infringers API", p, "/api/v1/review/infringers", True),
        Operation("prosecutor: a complaint with many items", p, f"/review/complaints/{ids['big_complaint']}", False),
        Operation("prosecutor: cases page", p, "/cases/", False),
        Operation("prosecutor: cases API", p, "/api/v1/cases", True),
        Operation("prosecutor: a case page", p, f"/cases/{ids['case']}", False),
        Operation(
            "prosecutor: inclusion proof",
            p,
            f"/api/v1/log/proof/inclusion?index={ids['leaf']}&size={ids['leaves']}",
            True,
        ),
        Operation("supervisor: dashboard", s, "/supervisor/", False),
        Operation("supervisor: statistics API", s, "/api/v1/statistics", True),
    ]


def find_ids(database_url: str, accounts: dict[str, Any]) -> dict[str, Any]:
    """Rows to ask for: the busiest rights holder's, the complaint with most evidence, deep cursors."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.connect() as conn:

        def one(sql: str, **params: Any) -> Any:
            return conn.execute(text(sql), params).scalar_one()

        org = one("SELECT org_id FROM complaints GROUP BY org_id ORDER BY count(*) DESC LIMIT 1")
        # The queue 50 rows short of its end, newest first: as deep as a page goes.
        deep_at, deep_id = conn.execute(text(
            "SELECT submitted_at, id FROM complaints WHERE submitted_at IS NOT NULL "
            "ORDER BY submitted_at, id LIMIT 1 OFFSET 50")).one()  # fmt: skip
        ids = {
            "org": org,
            "holder_email": one("SELECT email FROM users WHERE org_id = :org ORDER BY id LIMIT 1", org=org),
            "holder_deep": one("SELECT id FROM complaints WHERE org_id = :org ORDER BY id LIMIT 1 OFFSET 50", org=org),
            "holder_complaint": one(
                "SELECT complaint_id FROM evidence_items WHERE org_id = :org GROUP BY complaint_id "
                "ORDER BY count(*) DESC LIMIT 1",
                org=org,
            ),
            "holder_case": one(
                "SELECT case_id FROM complaints WHERE org_id = :org AND case_id IS NOT NULL ORDER BY id DESC LIMIT 1",
                org=org,
            ),
            "big_complaint": one(
                "SELECT complaint_id FROM evidence_items GROUP BY complaint_id ORDER BY count(*) DESC LIMIT 1"
            ),
            "case": one(
                "SELECT case_id FROM complaints WHERE case_id IS NOT NULL GROUP BY case_id "
                "ORDER BY count(*) DESC, case_id DESC LIMIT 1"
            ),  # fmt: skip
            "leaf": one("SELECT size / 3 FROM log_head"),
            "queue_deep": Position(deep_at, deep_id).token(),
            "complaints": one("SELECT count(*) FROM complaints"),
            "items": one("SELECT count(*) FROM evidence_items"),
            "leaves": one("SELECT size FROM log_head"),
        }
    engine.dispose()
    return ids


# --- signing in --------------------------------------------------------------------------------------


def browser(base: str, email: str, password: str, totp: str) -> requests.Session:
    """A session signed in through the pages, second factor included."""
    session = requests.Session()

    def csrf(path: str) -> str:
        page = session.get(base + path).text
        found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        assert found, f"no form at {path}"
        return found.group(1)

    answer = session.post(base + "/login", data={"csrf_token": csrf("/login"), "email": email, "password": password})
    if "/login/second-factor" in answer.url:
        code = pyotp.TOTP(totp).now()
        answer = session.post(base + "/login/second-factor", data={"csrf_token": csrf("/login/second-factor"),
                                                                  "code": code})  # fmt: skip
    assert "/login" not in answer.url, f"{email} was not signed in: {answer.url}"
    return session


def token_for(portal: Any, email: str) -> str:
    return str(portal.cli("tokens", "create", "--email", email))


# --- measuring -----------------------------------------------------------------------------------------


@dataclass
class Figures:
    median_ms: float
    p95_ms: float
    queries: int | None = None
    size_kib: float = 0
    status: int = 200
    flagged: list[str] = field(default_factory=list)


def timed(call: Callable[[], requests.Response], repeat: int) -> Figures:
    first = call()
    call()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return Figures(statistics.median(times), p95, size_kib=len(first.content) / 1024, status=first.status_code)


class Counter:
    """The statements one request runs, through the app in this process."""

    def __init__(self, env: dict[str, str], tokens: dict[str, str], emails: dict[str, str], password: str,
                 totp: str) -> None:  # fmt: skip
        from sqlalchemy import event

        from portal import create_app
        from portal.settings import Settings

        self.app = create_app(Settings.from_env(env))
        self.statements: list[tuple[str, Any]] = []
        engine = self.app.extensions["db_engine"]
        event.listen(engine, "before_cursor_execute", self._seen)
        self.engine = engine
        self.tokens = tokens
        self.clients = {who: self._signed_in(email, password, totp) for who, email in emails.items()}

    def _seen(self, _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        self.statements.append((statement, parameters))

    def _signed_in(self, email: str, password: str, totp: str) -> Any:
        client = self.app.test_client()

        def csrf(path: str) -> str:
            found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(path).text)
            assert found
            return found.group(1)

        answer = client.post("/login", data={"csrf_token": csrf("/login"), "email": email, "password": password})
        if "/login/second-factor" in answer.headers.get("Location", ""):
            client.post("/login/second-factor",
                        data={"csrf_token": csrf("/login/second-factor"), "code": pyotp.TOTP(totp).now()})  # fmt: skip
        return client

    def count(self, operation: Operation) -> list[tuple[str, Any]]:
        client = self.clients[operation.who]
        headers = {"Authorization": f"Bearer {self.tokens[operation.who]}"} if operation.api else {}
        client.get(operation.path, headers=headers)
        self.statements.clear()
        client.get(operation.path, headers=headers)
        return list(self.statements)

    def flag_scans(self, statements: list[tuple[str, Any]]) -> list[str]:
        """Sequential scans over tables of more than :data:`BIG_TABLE` rows in these statements' plans."""
        flagged: list[str] = []
        raw = self.engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute("SELECT relname, reltuples FROM pg_class WHERE relkind = 'r'")
            rows = dict(cursor.fetchall())
            for statement, parameters in statements:
                if not statement.lstrip().upper().startswith(("SELECT", "WITH")):
                    continue
                cursor.execute("EXPLAIN (FORMAT JSON) " + statement, parameters)
                plan = cursor.fetchone()[0]
                for node in _nodes(plan[0]["Plan"]):
                    table = node.get("Relation Name")
                    if node["Node Type"] == "Seq Scan" and rows.get(table, 0) > BIG_TABLE:
                        flagged.append(f"Seq Scan on {table} ({rows[table]:,.0f} rows) in: {_short(statement)}")
            raw.rollback()
        finally:
            raw.close()
        return flagged


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def _short(statement: str) -> str:
    return " ".join(statement.split())[:160]


@contextmanager
def hello_world() -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS), "--worker-class",
         "gthread", "--threads", "4", "hello:app"],
        cwd=ROOT / "bench", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            requests.get(base + "/", timeout=2)
            break
        except requests.ConnectionError:
            assert time.monotonic() < deadline, "hello-world did not start"
            time.sleep(0.1)
    try:
        yield base
    finally:
        process.terminate()
        process.wait(30)


def measure_size(work: Path, complaints: int, repeat: int, keep: bool) -> tuple[dict[str, Any], dict[str, Figures]]:
    """One size on its own PostgreSQL server in ``work``; a dataset kept there by an earlier run is used again."""
    work.mkdir(parents=True, exist_ok=True)
    server, pg_url = start_postgres(work / "pg", keep=keep)
    kept = work / "dataset.json"
    with server, closing(serve(work, {"DATABASE_URL": pg_url}, workers=WORKERS)) as served:
        portal = next(served)
        if keep and kept.exists():
            made = json.loads(kept.read_text())
        else:
            made = generate(pg_url, Path(portal.env["INSTANCE_PATH"]), complaints, 10, seed=complaints, env=portal.env)
            kept.write_text(json.dumps({"accounts": made["accounts"], "total_s": made["total_s"]}))
        ids = find_ids(pg_url, made["accounts"])
        ids["dataset_s"] = made["total_s"]
        return ids, measure(portal, ids, made["accounts"], repeat)


def measure(portal: Portal, ids: dict[str, Any], accounts: dict[str, Any], repeat: int) -> dict[str, Figures]:
    holder = ids["holder_email"]
    emails = {"holder": holder, "prosecutor": accounts["prosecutor"][0], "supervisor": accounts["supervisor"][0]}
    in_process = {"holder": holder.replace("admin@", "member@"), "prosecutor": accounts["prosecutor"][1],
                  "supervisor": accounts["supervisor"][1]}  # fmt: skip
    tokens = {who: token_for(portal, email) for who, email in emails.items()}
    sessions = {who: browser(portal.url, email, accounts["password"], accounts["totp_secret"])
                for who, email in emails.items()}  # fmt: skip
    counter = Counter(portal.env, tokens, in_process, accounts["password"], accounts["totp_secret"])
    results: dict[str, Figures] = {}
    for operation in operations(ids):
        session = sessions[operation.who]
        headers = {"Authorization": f"Bearer {tokens[operation.who]}"} if operation.api else {}
        figures = timed(partial(session.get, portal.url + operation.path, headers=headers, timeout=300), repeat)
        statements = counter.count(operation)
        figures.queries = len(statements)
        figures.flagged = counter.flag_scans(statements)
        results[operation.name] = figures
        print(f"  {operation.name:48} {figures.median_ms:8.1f} {figures.p95_ms:8.1f} ms "
              f"{figures.queries:5} q {figures.size_kib:8.0f} KiB  {figures.status}", flush=True)  # fmt: skip
    counter.engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000", help="complaints, comma-separated")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument(
        "--keep", type=Path, metavar="DIR", help="keep each size's database in DIR and use it again on the next run"
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="scale-") as scratch:
        work = args.keep or Path(scratch)
        with hello_world() as base:
            session = requests.Session()
            baseline = timed(lambda: session.get(base + "/"), max(200, args.repeat))
        print(f"hello world on the same gunicorn: median {baseline.median_ms:.2f} ms, p95 {baseline.p95_ms:.2f} ms")
        runs = {}
        for size in sizes:
            print(f"\n{size:,} complaints")
            ids, results = measure_size(work / f"size-{size}", size, args.repeat, keep=args.keep is not None)
            print(f"  ({ids['complaints']:,} complaints, {ids['items']:,} evidence items, {ids['leaves']:,} log "
                  f"leaves; dataset made in {ids['dataset_s']:.0f} s)")  # fmt: skip
            runs[size] = results
        report(runs, baseline)


def report(runs: dict[int, dict[str, Figures]], baseline: Figures) -> None:
    small, large = min(runs), max(runs)
    print(f"\n{'operation':48} {'p95 ms':>9} {'p95 ms':>9} {'queries':>9} {'x hello':>8}  plans at {large:,}")
    print(f"{'':48} {small:>9,} {large:>9,} {'':>9}")
    over = 0
    for name, figures in runs[large].items():
        before = runs[small][name]
        queries = f"{before.queries}->{figures.queries}"
        flags = "; ".join(figures.flagged) or "ok"
        over += figures.p95_ms >= 150
        print(f"{name:48} {before.p95_ms:9.1f} {figures.p95_ms:9.1f} {queries:>9} "
              f"{figures.p95_ms / baseline.p95_ms:8.0f}  {flags}")  # fmt: skip
    print(f"\n{over} operations with p95 at or over 150 ms at {large:,} complaints")


if __name__ == "__main__":
    main()
