"""Taking part in a case, in headless Chromium against gunicorn: the prosecutor serves a notice, the
rights holder acknowledges it, submits a loss statement and receives a hearing invitation."""

from __future__ import annotations

import json
import urllib.request
from datetime import timedelta
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from portal.demo import DEMO_PASSWORD
from portal.models import utcnow
from tests.browser import signing
from tests.factories import png_bytes
from tests.gunicorn import Portal
from tests.receivers import SMTPServer

HOLDER, PROSECUTOR = "counsel@lumiere.example", "prosecutor@portal.example"
TEXT = {
    "en": {
        "prepare": "Prepare and serve notice",
        "served": "Notice served on",
        "acknowledge": "I acknowledge receipt of this notice",
        "acknowledged": "your acknowledgement is recorded",
        "loss": "Submit a statement of losses",
        "submitted": "Submitted. Its SHA-256 is",
        "calendar": "Add to calendar (.ics)",
    },
    "zh": {
        "prepare": "制作并送达告知书",
        "served": "已向",
        "acknowledge": "我确认已收到本告知书",
        "acknowledged": "您的确认已记录",
        "loss": "提交损失情况说明",
        "submitted": "已提交，其 SHA-256 为",
        "calendar": "加入日历（.ics）",
    },
}


def api(server: Portal, token: str, method: str, path: str, body: Any = None, **headers: str) -> Any:
    data = json.dumps(body).encode() if isinstance(body, dict) else body
    request = urllib.request.Request(server.url + "/api/v1" + path, data=data, method=method)  # noqa: S310 - loopback
    request.add_header("Authorization", f"Bearer {token}")
    request.add_header("Content-Type", "application/json" if isinstance(body, dict) else "application/octet-stream")
    for name, value in headers.items():
        request.add_header(name.replace("_", "-"), value)
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
        return json.loads(response.read())


def trademark(server: Portal, token: str) -> int:
    """A right of the holder's to complain on (the demo's accounts have none recorded)."""
    body = {"type": "trademark", "registration_number": "G1234567", "registry": "WIPO", "owner": "Maison Lumière"}
    return int(api(server, token, "POST", "/rights", body)["id"])


def sign_in(page: Page, base: str, email: str, language: str) -> None:
    signing.sign_in(page, base, email, DEMO_PASSWORD)
    page.goto(base + "/account")
    page.select_option("#prefs-language", language)
    page.click("form:has(#prefs-language) button")


def sign_out(page: Page) -> None:
    page.click("header .who button.link")


def test_notice_acknowledgement_loss_statement_and_hearing(
    portal: tuple[str, Portal], page: Page, tmp_path: Path, mailbox: SMTPServer
) -> None:
    language, server = portal
    text = TEXT[language]
    server.cli("demo", "seed", "--accounts-only")
    holder = server.cli("tokens", "create", "--email", HOLDER)
    prosecutor = server.cli("tokens", "create", "--email", PROSECUTOR)
    complaint = api(
        server,
        holder,
        "POST",
        "/complaints",
        {
            "title": "Counterfeit handbags",
            "facts": "A marketplace shop sells bags bearing our mark.",
            "right_ids": [trademark(server, holder)],
            "infringers": [{"name": "Fake Store", "shop_urls": ["https://shop.example/fake"]}],
        },
    )
    item = api(
        server,
        holder,
        "POST",
        f"/complaints/{complaint['id']}/evidence?kind=photo_of_goods",
        png_bytes(),
        Content_Disposition='attachment; filename="bag.png"',
    )
    api(server, holder, "POST", f"/complaints/{complaint['id']}/submit")
    case_id = api(
        server,
        prosecutor,
        "POST",
        f"/complaints/{complaint['id']}/decision",
        {"action": "accept", "case": {"case_number": "沪检知刑诉〔2026〕88号", "procuratorate": "P", "charges": "C"}},
    )["case_id"]

    # The prosecutor serves the notice, editing the template first.
    sign_in(page, server.url, PROSECUTOR, language)
    page.goto(f"{server.url}/cases/{case_id}")
    page.click(f"text={text['prepare']}")
    page.fill("#text_en", page.input_value("#text_en") + "\nYour contact at the procuratorate speaks French.")
    page.click("form button.primary")
    expect(page.locator(".flash-success")).to_contain_text(text["served"])
    sign_out(page)

    # The rights holder sees the notification, reads and acknowledges the notice.
    sign_in(page, server.url, HOLDER, language)
    expect(page.locator("header .bell .count")).to_have_text("2")  # the decision, then the notice
    page.goto(f"{server.url}/cases/{case_id}")
    page.click("#notices a")
    expect(page.locator(".notice-text[lang=en]")).to_contain_text("speaks French")
    page.click(f"text={text['acknowledge']}")
    expect(page.locator(".flash-success")).to_contain_text(text["acknowledged"])

    # ... and submits a loss statement citing the evidence behind the units.
    page.goto(f"{server.url}/cases/{case_id}")
    page.click(f"text={text['loss']}")
    page.fill("#units", "300")
    page.fill("#genuine_unit_price", "4200")
    page.fill("#losses_claimed", "1260000")
    page.fill("#currency", "EUR")
    page.click("fieldset.figure:has(#units) summary")
    page.check(f"#evidence_units input[value='{item['id']}']")
    page.click("form button.primary")
    expect(page.locator(".flash-success")).to_contain_text(text["submitted"])
    expect(page.locator("table")).to_contain_text("1,260,000.00" if language == "en" else "1,260,000.00")

    # A hearing is scheduled: an invitation with an .ics in the portal and by e-mail.
    starts = (utcnow() + timedelta(days=21)).replace(microsecond=0)
    api(
        server,
        prosecutor,
        "POST",
        f"/cases/{case_id}/hearings",
        {"starts_at": starts.isoformat(), "duration_minutes": 120, "court": "Shanghai IP Court", "interpreter": True},
    )
    server.cli("worker", "--once")
    page.goto(f"{server.url}/cases/{case_id}")
    link = page.locator(f"text={text['calendar']}")
    expect(link).to_be_visible()
    invitation = page.request.get(server.url + (link.get_attribute("href") or ""))
    assert invitation.ok and invitation.headers["content-type"].startswith("text/calendar")
    assert "Shanghai IP Court" in invitation.text()
    invites = [
        m
        for m in mailbox.messages
        if m["To"] == HOLDER and any(p.get_content_type() == "text/calendar" for p in m.iter_attachments())
    ]
    assert len(invites) == 1
    page.screenshot(path=str(tmp_path / f"proceedings-{language}.png"), full_page=True)
