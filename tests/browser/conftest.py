"""A real gunicorn serving the portal, and headless Debian Chromium driven by Playwright."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.conftest import reset_postgres
from tests.gunicorn import Portal, serve
from tests.receivers import SMTPServer

CHROMIUM = "/usr/bin/chromium"


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


def open_page(browser: Browser, language: str | None = None) -> Page:
    """A page in a browser context of its own (its own cookies), asking for ``language`` if given."""
    headers = {"Accept-Language": "zh-CN,zh;q=0.9" if language == "zh" else "en"} if language else None
    context = browser.new_context(viewport={"width": 1280, "height": 900}, extra_http_headers=headers)
    page = context.new_page()
    # Deadlines, not waits: generous, because a busy two-core machine runs the rest of the suite beside it.
    page.set_default_timeout(45_000)
    expect.set_options(timeout=30_000)
    return page


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    page = open_page(browser)
    yield page
    page.context.close()


@pytest.fixture(params=["en-sqlite-dir", "zh-pg-s3"])
def portal(request: pytest.FixtureRequest, tmp_path: Path, mailbox: SMTPServer) -> Iterator[tuple[str, Portal]]:
    """gunicorn on one stack, mailing through the local SMTP server (emptied for the test)."""
    language, stack = request.param.split("-", 1)
    extra: dict[str, str] = mailbox.env()
    if stack == "pg-s3":
        url = request.getfixturevalue("postgres")
        reset_postgres(url)
        extra.update(
            DATABASE_URL=url, **request.getfixturevalue("s3").env("evidence-test", f"b-{uuid.uuid4().hex[:8]}")
        )
    for served in serve(tmp_path, extra):
        yield language, served
