"""The users ``bench/load.py`` sends at the portal: rights holders filing and uploading, rights holders
reading, prosecutors working the queue, and a supervisor's dashboard. Everything goes through the API
with tokens, as the portal's own pages call the same services. They wait as people do between pages
(10-30 s; a filer 1-3 minutes between complaints); one more rights holder files the same listing's photograph
twice, in two complaints, and times how long the worker takes to show the match to a prosecutor.

``LOAD_PLAN`` names a JSON file (written by ``bench/load.py``) with the tokens and ids to use;
``LOAD_UPLOADS`` the file where each upload answered 201 is recorded, for the check afterwards.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import sys
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
from locust import HttpUser, between, events, task

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import filing  # noqa: E402

PLAN: dict[str, Any] = json.loads(Path(os.environ["LOAD_PLAN"]).read_text())
MIB = 1024 * 1024
POOL = random.randbytes(50 * MIB)  # noqa: S311 - filler for uploads, not secrets
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
UPLOADED: list[dict[str, Any]] = []
LOCK = threading.Lock()


def pick(items: list[Any]) -> Any:
    return random.choice(items)  # noqa: S311


class Filer(HttpUser):
    """A rights holder filing: a draft, one to three files of 1-50 MB, then the submission."""

    weight = PLAN["weights"]["filers"]
    wait_time = between(60, 180)

    def on_start(self) -> None:
        self.account = pick(PLAN["filers"])
        self.client.headers["Authorization"] = f"Bearer {self.account['token']}"

    @task
    def file_a_complaint(self) -> None:
        shop = f"Load Shop {random.randint(1, 500)}"  # noqa: S311
        facts = "Sold online at a tenth of the price."
        body = filing.complaint(self.account["right_id"], "Counterfeit goods found in a load test", facts, shop)
        made = self.client.post("/api/v1/complaints", json=body, name="POST /complaints")
        if made.status_code != 201:
            return
        complaint = made.json()["id"]
        for _ in range(random.randint(1, 3)):  # noqa: S311
            self.upload(complaint)
        self.client.post(f"/api/v1/complaints/{complaint}/submit", name="POST /complaints/{id}/submit")
        # Minutes pass before the next complaint, longer than the server keeps a connection: start afresh, as
        # a browser does, rather than race the server's closing of it.
        self.client.close()

    def upload(self, complaint: int) -> None:
        size = random.randint(PLAN["min_mib"] * MIB, PLAN["max_mib"] * MIB)  # noqa: S311
        start = random.randint(0, len(POOL) - size)  # noqa: S311
        data = PDF + os.urandom(16) + POOL[start : start + size - len(PDF) - 16]
        digest = hashlib.sha256(data).hexdigest()
        answer = self.client.post(
            f"/api/v1/complaints/{complaint}/evidence",
            data=data,
            headers={"Content-Type": "application/pdf", "Content-Disposition": 'attachment; filename="capture.pdf"'},
            name="POST /complaints/{id}/evidence",
        )
        if answer.status_code == 201:
            with LOCK:
                UPLOADED.append({"id": answer.json()["id"], "sha256": digest, "claimed": answer.json()["sha256"],
                                 "size": len(data), "token": self.account["token"]})  # fmt: skip


class Reader(HttpUser):
    """A rights holder (or its law firm) following its complaints, cases and notifications."""

    weight = PLAN["weights"]["readers"]
    wait_time = between(10, 30)

    def on_start(self) -> None:
        self.account = pick(PLAN["readers"])
        self.client.headers["Authorization"] = f"Bearer {self.account['token']}"

    @task(3)
    def complaints(self) -> None:
        page = self.client.get("/api/v1/complaints", name="GET /complaints")
        if page.status_code == 200 and page.json()["items"]:
            chosen = pick(page.json()["items"])["id"]
            self.client.get(f"/api/v1/complaints/{chosen}", name="GET /complaints/{id}")

    @task(2)
    def cases(self) -> None:
        self.client.get("/api/v1/cases", name="GET /cases")

    @task(2)
    def notifications(self) -> None:
        self.client.get("/api/v1/notifications", name="GET /notifications")


class Prosecutor(HttpUser):
    """A prosecutor working the queue, searching, and looking at related evidence and shared infringers."""

    weight = PLAN["weights"]["prosecutors"]
    wait_time = between(10, 30)

    def on_start(self) -> None:
        self.client.headers["Authorization"] = f"Bearer {pick(PLAN['prosecutors'])}"

    @task(4)
    def queue(self) -> None:
        page = self.client.get("/api/v1/review/complaints", name="GET /review/complaints")
        if page.status_code == 200 and page.json()["next"]:
            self.client.get(page.json()["next"], name="GET /review/complaints (next page)")

    @task(3)
    def search(self) -> None:
        query = pick(["counterfeit", "假冒", "replica", "taobao", "shop10", "2026"])
        self.client.get("/api/v1/review/search", params={"q": query}, name="GET /review/search")

    @task(2)
    def related(self) -> None:
        self.client.get("/api/v1/review/clusters", name="GET /review/clusters")
        self.client.get("/api/v1/review/infringers", name="GET /review/infringers")

    @task(1)
    def case_picker(self) -> None:
        self.client.get("/api/v1/cases", params={"number": str(random.randint(1, 999))},  # noqa: S311
                        name="GET /cases?number=")  # fmt: skip

    @task(1)
    def dashboard(self) -> None:
        self.client.get("/api/v1/statistics", headers={"Authorization": f"Bearer {PLAN['supervisor']}"},
                        name="GET /statistics")  # fmt: skip


MATCH_WITHIN = 60
"""Seconds within which a prosecutor must see a new upload's match (the issue's target)."""


class Photographer(HttpUser):
    """A rights holder filing a listing's photograph, then a smaller, recompressed copy of it in a second
    complaint; a prosecutor then asks for the second complaint's related evidence each second until the
    first complaint shows in it. The time from the copy's upload to then is reported as "match visible"."""

    fixed_count = 1
    wait_time = between(20, 40)

    def on_start(self) -> None:
        self.account = PLAN["photographer"]
        self.filer = {"Authorization": f"Bearer {self.account['token']}"}
        self.prosecutor = {"Authorization": f"Bearer {pick(PLAN['prosecutors'])}"}

    @task
    def file_twice_and_wait_for_the_match(self) -> None:
        shown = filing.picture(np.random.default_rng())
        original = self.file(filing.jpeg(shown, 90))
        copy = self.file(filing.jpeg(filing.altered(shown), 70))
        if original is None or copy is None:
            return
        uploaded = time.monotonic()
        while (waited := time.monotonic() - uploaded) < MATCH_WITHIN:
            related = self.client.get(f"/api/v1/complaints/{copy}/related-evidence", headers=self.prosecutor,
                                      name="GET /complaints/{id}/related-evidence")  # fmt: skip
            if related.status_code == 200 and any(
                r["other"]["complaint_id"] == original for r in related.json()["items"]
            ):
                break
            time.sleep(1)
        late = None if waited < MATCH_WITHIN else TimeoutError(f"not visible within {MATCH_WITHIN} s")
        events.request.fire(request_type="WORKER", name="match visible after upload", response_time=waited * 1000,
                            response_length=0, context={}, exception=late)  # fmt: skip

    def file(self, picture: bytes) -> int | None:
        """A filed complaint with the picture as its evidence; its id."""
        facts = "The listing as a test buyer saw it."
        body = filing.complaint(self.account["right_id"], "Listing photograph", facts, "Load Photo Shop")
        made = self.client.post("/api/v1/complaints", json=body, headers=self.filer, name="POST /complaints")
        if made.status_code != 201:
            return None
        complaint: int = made.json()["id"]
        answer = self.client.post(
            f"/api/v1/complaints/{complaint}/evidence", data=picture, name="POST /complaints/{id}/evidence",
            headers={**self.filer, "Content-Type": "image/jpeg", "Content-Disposition": 'attachment; filename="l.jpg"'},
        )  # fmt: skip
        submitted = self.client.post(f"/api/v1/complaints/{complaint}/submit", headers=self.filer,
                                     name="POST /complaints/{id}/submit")  # fmt: skip
        return complaint if answer.status_code == 201 and submitted.status_code == 200 else None


@events.quitting.add_listener
def _record_uploads(**_kwargs: Any) -> None:
    Path(os.environ["LOAD_UPLOADS"]).write_text(json.dumps(UPLOADED))
