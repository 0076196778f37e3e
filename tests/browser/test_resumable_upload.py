"""Uppy on a slow link in Chromium: the network goes away in the middle of an upload and comes back, and the
page is reloaded in the middle of another; both finish with no action of the user's, as evidence whose
SHA-256 is the file's. A form with one file beside its fields uses the same uploader."""

from __future__ import annotations

import hashlib
import json
import os
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, Route, expect

from tests.browser.signing import sign_in
from tests.factories import PDF_BYTES
from tests.gunicorn import Portal

MiB = 1024 * 1024
PASSWORD = "correct horse battery"


def holder_with_draft(server: Portal) -> int:
    org = server.cli("orgs", "create", "--name", "Maison", "--country", "FR")
    server.cli("users", "create", "--email", "h@brand.example", "--password", PASSWORD,
               "--role", "holder", "--org-id", org)  # fmt: skip
    token = server.cli("tokens", "create", "--email", "h@brand.example")
    request = urllib.request.Request(
        server.url + "/api/v1/complaints",
        data=json.dumps({"title": "Surveillance video", "facts": "F", "right_ids": []}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310 - loopback
        return int(json.loads(answer.read())["id"])


class Link:
    """The uploader's requests, routed through the test: it can lose the network at a chosen PATCH
    (Chromium goes offline and that request fails), or leave one unanswered while the page is reloaded."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.patches = 0
        self.plan: dict[int, str] = {}
        self.held: Route | None = None
        page.route("**/uploads/*", self.handle)

    def handle(self, route: Route) -> None:
        if route.request.method != "PATCH":
            route.continue_()
            return
        self.patches += 1
        action = self.plan.pop(self.patches, None)
        if action == "offline":
            self.page.context.set_offline(True)
            route.abort("internetdisconnected")
        elif action == "hold":
            self.held = route  # never answered: the page goes away first
        else:
            route.continue_()

    def wait_held(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while self.held is None:
            assert time.monotonic() < deadline, "the upload never reached the request to hold"
            self.page.wait_for_timeout(100)  # lets Playwright deliver the route to handle()


def choose(page: Page, name: str, data: bytes) -> None:
    expect(page.locator("html[data-uploads=ready]")).to_have_count(1)
    page.set_input_files(
        "#uploader .uppy-Dashboard-input >> nth=0",
        files=[{"name": name, "mimeType": "application/pdf", "buffer": data}],
    )
    page.click("#uploader .uppy-StatusBar-actionBtn--upload")


def test_uppy_finishes_after_the_network_drops_after_a_reload_and_for_a_form(
    portal: tuple[str, Portal], page: Page, tmp_path: Path
) -> None:
    _language, server = portal
    complaint = holder_with_draft(server)
    sign_in(page, server.url, "h@brand.example", PASSWORD)
    link = Link(page)
    # 20 MiB: three requests of at most 8 MiB; the network goes at the second.
    data = PDF_BYTES + os.urandom(20 * MiB)
    page.goto(f"{server.url}/complaints/{complaint}")
    link.plan[2] = "offline"
    choose(page, "recording.pdf", data)
    # Uppy says the connection is gone; tus waits for it.
    expect(page.locator("#uploader .uppy-Informer p").first).to_be_visible()
    expect(page.locator("#uploader .upload-row")).to_have_count(0)
    page.screenshot(path=str(tmp_path / "offline.png"), full_page=True)
    page.context.set_offline(False)
    done = page.locator("#uploader .upload-row.done")
    expect(done).to_have_count(1, timeout=90_000)
    expect(done).to_contain_text(hashlib.sha256(data).hexdigest())

    # A reload in the middle: Golden Retriever brings the file back and the upload goes on.
    second = PDF_BYTES + os.urandom(20 * MiB)
    page.goto(f"{server.url}/complaints/{complaint}")
    link.plan[link.patches + 2] = "hold"
    choose(page, "second.pdf", second)
    link.wait_held()
    page.reload()
    done = page.locator("#uploader .upload-row.done")
    expect(done).to_have_count(1, timeout=90_000)
    expect(done).to_contain_text(hashlib.sha256(second).hexdigest())
    page.goto(f"{server.url}/complaints/{complaint}")
    expect(page.locator("table.evidence tbody tr")).to_have_count(2)

    # A form with one file beside its fields (a power of attorney) goes through the same uploader.
    server.cli("orgs", "create", "--name", "King & Partners", "--country", "CN", "--agent")
    page.goto(f"{server.url}/org/powers")
    expect(page.locator("html[data-uploads=ready]")).to_have_count(1)
    form = page.locator("form[data-finish]")
    form.locator("input[name=scopes]").first.check()
    form.locator("input[name=valid_from]").fill("2026-01-01")
    form.locator("input[name=valid_until]").fill("2027-12-31")
    # Without a file, the form says so and sends nothing.
    form.locator("button[type=submit]").click()
    expect(form.locator(".upload-error")).to_be_visible()
    page.set_input_files(
        "#power-uploader .uppy-Dashboard-input >> nth=0",
        files=[{"name": "power.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}],
    )
    page.screenshot(path=str(tmp_path / "power-form.png"), full_page=True)
    form.locator("button[type=submit]").click()
    expect(page.locator("table")).to_contain_text("King & Partners")
    expect(page.locator("table tbody tr")).to_have_count(1)
