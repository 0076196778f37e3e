"""The users ``bench/load.py`` sends at the portal: rights holders filing and uploading, rights holders
reading, prosecutors working the queue, and a supervisor's dashboard. Everything goes through the API
with tokens, as the portal's own pages call the same services.

``LOAD_PLAN`` names a JSON file (written by ``bench/load.py``) with the tokens and ids to use;
``LOAD_UPLOADS`` the file where each upload answered 201 is recorded, for the check afterwards.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import threading
from pathlib import Path
from typing import Any

from locust import HttpUser, between, events, task

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
    wait_time = between(2, 6)

    def on_start(self) -> None:
        self.account = pick(PLAN["filers"])
        self.client.headers["Authorization"] = f"Bearer {self.account['token']}"

    @task
    def file_a_complaint(self) -> None:
        body = {"title": "Counterfeit goods found in a load test", "facts": "Sold online at a tenth of the price.",
                "right_ids": [self.account["right_id"]],
                "infringers": [{"name": f"Load Shop {random.randint(1, 500)}", "shop_urls": [], "platform": "Shop"}],
                "discovered_on": "2026-10-01", "discovery_method": "Test purchase"}  # fmt: skip
        made = self.client.post("/api/v1/complaints", json=body, name="POST /complaints")
        if made.status_code != 201:
            return
        complaint = made.json()["id"]
        for _ in range(random.randint(1, 3)):  # noqa: S311
            self.upload(complaint)
        self.client.post(f"/api/v1/complaints/{complaint}/submit", name="POST /complaints/{id}/submit")

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
    wait_time = between(1, 3)

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
    wait_time = between(1, 4)

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


@events.quitting.add_listener
def _record_uploads(**_kwargs: Any) -> None:
    Path(os.environ["LOAD_UPLOADS"]).write_text(json.dumps(UPLOADED))
