"""Signing in through the pages, second factor included: staff set up an authenticator app on their first
sign-in (pyotp reads the key off the page and computes the codes), and give a code every time after."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pyotp
from playwright.sync_api import Page, expect

from tests.factories import SecondFactor

# By portal address and e-mail: the authenticator apps set up during this test run.
AUTHENTICATORS: dict[tuple[str, str], SecondFactor] = {}


def sign_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(base + "/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("form button.primary")
    page.wait_for_url(lambda url: urlsplit(url).path != "/login")
    path = urlsplit(page.url).path
    if path == "/account/two-factor":
        secret = page.locator("#totp-secret").inner_text()
        step = int(time.time()) // 30
        page.fill("#code", pyotp.TOTP(secret).at(step * 30))
        page.click("form[action$='/account/two-factor/totp'] button")
        expect(page.locator("#recovery-codes")).to_be_visible()
        codes = page.locator("#recovery-codes code").all_inner_texts()
        AUTHENTICATORS[base, email] = SecondFactor(secret, codes, step)
    elif path == "/login/second-factor":
        page.fill("#code", AUTHENTICATORS[base, email].code())
        page.click("form button.primary")
    expect(page.locator("header .who")).to_contain_text(email)
