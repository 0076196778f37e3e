"""A real gunicorn serving the portal, and headless Debian Chromium driven by Playwright."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.conftest import SECRET, reset_postgres
from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CHROMIUM = "/usr/bin/chromium"


@dataclass
class Portal:
    url: str
    env: dict[str, str]

    def cli(self, *args: str) -> str:
        done = subprocess.run(
            [str(BIN / "portal"), *args], env=self.env, cwd=ROOT, capture_output=True, text=True, check=True
        )
        return done.stdout.strip()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def serve(tmp_path: Path, extra_env: dict[str, str]) -> Iterator[Portal]:
    port = free_port()
    env = {
        **os.environ,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SECRET_KEY": SECRET,
        "SECURE_COOKIES": "false",
        **extra_env,
    }
    portal = Portal(f"http://127.0.0.1:{port}", env)
    portal.cli("db", "upgrade")
    portal.cli("keys", "generate")  # what an operator does once in production
    log = (tmp_path / "gunicorn.log").open("wb")
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--worker-class",
            "gthread",
            "--threads",
            "4",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(portal.url + "/health", timeout=2)  # noqa: S310 - loopback
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError(f"gunicorn did not start: {(tmp_path / 'gunicorn.log').read_text()}") from None
            time.sleep(0.2)
    yield portal
    process.terminate()
    process.wait(10)
    log.close()


@pytest.fixture(params=["en-sqlite-dir", "zh-pg-s3"])
def portal(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Portal]]:
    language, stack = request.param.split("-", 1)
    extra: dict[str, str] = {}
    if stack == "pg-s3":
        url = request.getfixturevalue("postgres")
        reset_postgres(url)
        extra = {"DATABASE_URL": url, **request.getfixturevalue("s3").env("evidence-test", f"b-{uuid.uuid4().hex[:8]}")}
    for served in serve(tmp_path, extra):
        yield language, served
