"""The demo at first start: `portal demo seed` on an empty portal, then every main page of every role, in
English and in Chinese, shows data (never an empty state), screenshotted in Chromium."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import open_page
from tests.browser.signing import sign_in
from tests.gunicorn import Portal, serve

PASSWORD = "demo-password-2026"

# Who sees which pages: (account, [(name, path), ...]); a path with {first} opens the first link that
# matches it on the page before, so that the detail pages are the demo's own.
TOUR = [
    ("counsel@lumiere.example", [
        ("holder-complaints", "/complaints"),
        ("holder-complaint", "a[href^='/complaints/']"),
        ("holder-cases", "/cases/"),
        ("holder-case", "a[href^='/cases/']:not([href='/cases/'])"),
        ("holder-rights", "/rights"),
        ("holder-notifications", "/notifications/"),
    ]),
    ("brand@orbital.example", [
        ("holder-batches", "/batches/"),
        ("holder-batch", "table a[href^='/batches/']"),
    ]),
    ("counsel@jinshi-law.example", [
        ("agent-complaints", "/complaints"),
        ("agent-principals", "/org/powers"),
    ]),
    ("prosecutor@portal.example", [
        ("prosecutor-queue", "/review/"),
        ("prosecutor-clusters", "/review/clusters"),
        ("prosecutor-infringers", "/review/infringers"),
        ("prosecutor-search", "/review/search?q=Yiwu"),
        ("prosecutor-cases", "/cases/"),
        ("prosecutor-case", "a[href^='/cases/']:has-text('31')"),
    ]),
    ("supervisor@portal.example", [("supervisor-dashboard", "/supervisor/")]),
    ("admin@portal.example", [("admin-registrations", "/review/organisations"), ("admin-log", "/admin/log")]),
]  # fmt: skip


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Portal]:
    for served in serve(tmp_path, {}):
        served.cli("demo", "seed", "--if-empty")
        served.cli("worker", "--until-idle")  # what `make run` runs beside the server: previews, matches
        yield served


@pytest.mark.timeout(900)  # the demo files through the API, pictures decoded one by one, then two tours
def test_every_main_page_of_the_demo_shows_data_in_both_languages(
    demo: Portal, browser: Browser, tmp_path: Path
) -> None:
    shots = tmp_path / "screenshots"
    shots.mkdir()
    for language in ("en", "zh"):
        for email, pages in TOUR:
            page = open_page(browser, language)
            try:
                _tour(page, demo.url, email, pages, language, shots)
            finally:
                page.context.close()
    taken = sorted(path.name for path in shots.iterdir())
    assert len(taken) == 2 * sum(len(pages) for _email, pages in TOUR), taken


def _tour(page: Page, base: str, email: str, pages: list[tuple[str, str]], language: str, shots: Path) -> None:
    sign_in(page, base, email, PASSWORD)
    # Once signed in, the account's own language decides: the demo's staff read Chinese, its brands English.
    page.goto(base + "/account")
    page.select_option("select[name=prefs-language]", language)
    page.locator("form:has(select[name=prefs-language]) button[type=submit]").first.click()
    expect(page.locator("html")).to_have_attribute("lang", re.compile(f"^{language}"))
    for name, where in pages:
        if where.startswith("/"):
            page.goto(base + where)
        else:
            page.locator(where).first.click()
        page.wait_for_load_state("load")
        main = page.locator("main")
        expect(main.locator("h1").first).to_be_visible()
        page.screenshot(path=str(shots / f"{language}-{name}.png"), full_page=True)
        # Data, not an empty state: the page lists something, and no "nothing yet" message shows, but for what
        # is good news: a case before its decision has no deadline running, and no request is overdue yet.
        empty = main.locator(".empty:visible")
        fine = main.locator("#decisions .empty:visible, #overdue .empty:visible")
        assert empty.count() == fine.count(), (language, name, empty.all_inner_texts())
        assert main.locator("table tbody tr, .card, .kpi, li").count() > 0, (language, name)
