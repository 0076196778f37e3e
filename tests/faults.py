"""Faults injected into a served portal from the outside, and the audit that must hold after each.

Shared by ``tests/portal/test_faults.py`` (a few trials of each kind) and
``bench/faults.py`` (a thousand and more). Nothing in the portal knows it is
being tested: workers are killed with SIGKILL, a commit is held back by a
lock another connection takes, S3 is killed and started again, PostgreSQL
is restarted by pg_ctl.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import signal
import sqlite3
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text

from evidence.stores import Store, object_key, open_store
from tests.gunicorn import Portal


def evidence_file(number: int, size: int) -> bytes:
    """A distinct PDF of ``size`` bytes for trial ``number``."""
    head = b"%PDF-1.4\n% trial " + str(number).encode() + b"\n"
    return head + hashlib.sha256(head).digest() * ((size - len(head)) // 32 + 1)


@dataclass
class Target:
    """A served portal with one rights holder's draft complaint to upload into."""

    portal: Portal
    database_url: str
    token: str = ""
    complaint_id: int = 0

    def setup(self) -> None:
        org = self.portal.cli("orgs", "create", "--name", "Maison", "--country", "FR")
        self.portal.cli("users", "create", "--email", "h@brand.example", "--password", "correct horse battery",
                        "--role", "holder", "--org-id", org)  # fmt: skip
        self.token = self.portal.cli("tokens", "create", "--email", "h@brand.example")
        self.new_complaint()

    def new_complaint(self) -> None:
        """Uploads from now on go to a new draft complaint, which the audit looks at alone."""
        body = json.dumps({"title": "Faults", "facts": "F", "right_ids": []}).encode()
        status, answer = self.call("POST", "/complaints", body, {"Content-Type": "application/json"})
        assert status == 201, answer
        self.complaint_id = answer["id"]

    def store(self) -> Store:
        env = self.portal.env
        location = env.get("EVIDENCE_STORE") or str(Path(env["INSTANCE_PATH"]) / "evidence")
        return open_store(
            location,
            endpoint_url=env.get("S3_ENDPOINT_URL"),
            region=env.get("AWS_REGION"),
            access_key=env.get("AWS_ACCESS_KEY_ID"),
            secret_key=env.get("AWS_SECRET_ACCESS_KEY"),
        )

    def connection(self) -> http.client.HTTPConnection:
        parts = urllib.parse.urlsplit(self.portal.url)
        return http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)

    def call(self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> tuple:  # type: ignore[type-arg]
        conn = self.connection()
        try:
            conn.request(method, "/api/v1" + path, body, {"Authorization": f"Bearer {self.token}", **(headers or {})})
            response = conn.getresponse()
            try:
                data = response.read()
            except http.client.IncompleteRead as broken:  # a checked download that broke off: damage
                data = broken.partial
        finally:
            conn.close()
        try:
            return response.status, json.loads(data)
        except ValueError:
            return response.status, data

    def upload(
        self, data: bytes, name: str, pause: threading.Event | None = None, halfway: threading.Event | None = None
    ) -> tuple[int | None, dict]:  # type: ignore[type-arg]
        """Send one file as a raw body; with ``pause``, half of it (then ``halfway`` is set), then wait for
        the event before the rest. The status is None when the connection broke before an answer."""
        conn = self.connection()
        try:
            conn.putrequest("POST", f"/api/v1/complaints/{self.complaint_id}/evidence")
            for header, value in {
                "Authorization": f"Bearer {self.token}",
                "Content-Type": "application/octet-stream",
                "Content-Disposition": f'attachment; filename="{name}"',
                "Content-Length": str(len(data)),
            }.items():
                conn.putheader(header, value)
            conn.endheaders()
            half = len(data) // 2
            conn.send(data[:half])
            if halfway is not None:
                halfway.set()
            if pause is not None:
                pause.wait(60)
            conn.send(data[half:])
            response = conn.getresponse()
            body = response.read()
            return response.status, json.loads(body) if body.startswith(b"{") else {}
        except (OSError, http.client.HTTPException):
            return None, {}
        finally:
            conn.close()

    def kill_workers(self) -> None:
        for pid in self.portal.workers():
            os.kill(pid, signal.SIGKILL)
        self.portal.wait_healthy()


@contextmanager
def commits_held(database_url: str) -> Iterator[None]:
    """Hold every upload just before its rows commit: another connection takes the lock they need."""
    if database_url.startswith("sqlite"):
        conn = sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=30, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            conn.execute("ROLLBACK")
            conn.close()
        return
    engine = create_engine(database_url)
    with engine.connect() as conn:
        conn.execute(text("SELECT size FROM log_head FOR UPDATE"))
        try:
            yield
        finally:
            conn.rollback()
    engine.dispose()


def wait_for(condition: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the condition did not come about")
        time.sleep(0.05)


@dataclass
class Tally:
    trials: int = 0
    mid_body: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    accepted: dict[int, str] = field(default_factory=dict)
    """Items answered 201: id -> SHA-256 of what was sent."""
    unanswered: set[str] = field(default_factory=set)
    """SHA-256 of what was sent without a 201: a commit can succeed while its answer is lost with the link."""

    def record(self, status: int | None, answer: dict, data: bytes) -> None:  # type: ignore[type-arg]
        self.trials += 1
        self.statuses["broken" if status is None else str(status)] += 1
        if status == 201:
            assert answer["sha256"] == hashlib.sha256(data).hexdigest()
            self.accepted[answer["id"]] = answer["sha256"]
        else:
            self.unanswered.add(hashlib.sha256(data).hexdigest())


def kill_mid_body(target: Target, tally: Tally, number: int, size: int) -> None:
    """A worker killed while the body of an upload is arriving."""
    data = evidence_file(number, size)
    pause, halfway = threading.Event(), threading.Event()
    result: list[tuple[int | None, dict]] = []  # type: ignore[type-arg]
    sender = threading.Thread(target=lambda: result.append(target.upload(data, f"{number}.pdf", pause, halfway)))
    sender.start()
    halfway.wait(60)
    target.kill_workers()
    pause.set()
    sender.join(120)
    tally.mid_body += 1
    tally.record(*result[0], data)


def kill_before_commit(target: Target, tally: Tally, number: int, size: int) -> None:
    """A worker killed after the object reached its address, before its rows committed."""
    data = evidence_file(number, size)
    store = target.store()
    key = object_key(hashlib.sha256(data).hexdigest())
    result: list[tuple[int | None, dict]] = []  # type: ignore[type-arg]
    with commits_held(target.database_url):
        sender = threading.Thread(target=lambda: result.append(target.upload(data, f"{number}.pdf")))
        sender.start()
        wait_for(lambda: store.exists(key))
        target.kill_workers()
    sender.join(120)
    tally.record(*result[0], data)


def under_load(target: Target, tally: Tally, first: int, count: int, size: int, fault: Callable[[], None]) -> None:
    """``count`` uploads from four clients while ``fault`` strikes once a few are under way."""
    numbers = iter(range(first, first + count))
    lock = threading.Lock()

    def client() -> None:
        while True:
            with lock:
                number = next(numbers, None)
            if number is None:
                return
            data = evidence_file(number, size)
            status, answer = target.upload(data, f"{number}.pdf")
            with lock:
                tally.record(status, answer, data)

    clients = [threading.Thread(target=client) for _ in range(4)]
    for thread in clients:
        thread.start()
    wait_for(lambda: tally.trials >= 2 or not any(t.is_alive() for t in clients))
    fault()
    for thread in clients:
        thread.join(300)


@dataclass(frozen=True)
class Audit:
    rows: int
    intact: int
    lost: int
    """Answered 201, yet without a row or whose download fails."""
    damaged: int
    """Downloaded, but not the bytes that were sent."""
    rows_without_object: int
    orphans: int
    unclaimed: frozenset[str] = frozenset()
    """SHA-256 of rows whose upload got no 201: committed just as the database went down, before the answer."""


def audit(target: Target, tally: Tally) -> Audit:
    """Every 201 item (of the current complaint) downloads intact; count rows lacking their object, and
    objects lacking a row in the whole store."""
    engine = create_engine(target.database_url)
    with engine.connect() as conn:
        every = conn.execute(text("SELECT id, sha256, complaint_id FROM evidence_items")).all()
    engine.dispose()
    rows = {evidence_id: sha256 for evidence_id, sha256, complaint in every if complaint == target.complaint_id}
    store = target.store()
    intact = lost = damaged = 0
    for evidence_id, sha256 in tally.accepted.items():
        status, content = target.call("GET", f"/evidence/{evidence_id}/content")
        if status != 200 or rows.get(evidence_id) != sha256:
            lost += 1
        elif hashlib.sha256(content).hexdigest() != sha256:
            damaged += 1
        else:
            intact += 1
    unclaimed = frozenset(sha256 for evidence_id, sha256 in rows.items() if evidence_id not in tally.accepted)
    used = {sha256 for _id, sha256, _complaint in every}
    without = sum(not store.exists(object_key(sha256)) for sha256 in used)
    orphans = sum(found.key.rsplit("/", 1)[-1] not in used for found in store.listing("objects"))
    orphans += len(list(store.listing("staging"))) + len(list(store.unfinished_uploads()))
    return Audit(len(rows), intact, lost, damaged, without, orphans, unclaimed)
