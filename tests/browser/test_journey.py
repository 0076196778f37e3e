"""The main journey in headless Chromium against gunicorn: register, approve, file, upload,
submit, review, verify, accept into a case, record a stage, and the rights holder sees it."""

from __future__ import annotations

import hashlib
import re
import subprocess
from datetime import date
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser import signing
from tests.factories import PDF_BYTES, link_in, png_bytes
from tests.gunicorn import BIN, Portal
from tests.receivers import SMTPServer

PASSWORD = "a long browser password"

TEXT = {
    "en": {
        "sign_in": "Sign in",
        "approved_flash": "Approved",
        "confirmed_flash": "is confirmed",
        "submitted": "Submitted",
        "verified": "Verified:",
        "stage": "Decision: prosecution",
        "accepted": "Accepted",
        "refused": "Refused:",
    },
    "zh": {
        "sign_in": "登录",
        "approved_flash": "已批准",
        "confirmed_flash": "已确认",
        "submitted": "已提交",
        "verified": "核验通过",
        "stage": "决定：提起公诉",
        "accepted": "已受理",
        "refused": "被拒绝：",
    },
}


def sign_in(page: Page, base: str, email: str) -> None:
    signing.sign_in(page, base, email, PASSWORD)


def sign_out(page: Page) -> None:
    page.click("header .who button.link")


def test_main_journey(portal: tuple[str, Portal], page: Page, tmp_path: Path, mailbox: SMTPServer) -> None:
    language, server = portal
    base, text = server.url, TEXT[language]
    server.cli("users", "create", "--email", "prosecutor@proc.example", "--password", PASSWORD, "--role", "prosecutor")
    if language == "zh":
        page.context.set_extra_http_headers({"Accept-Language": "zh-CN,zh;q=0.9"})

    # A brand owner registers; its first user waits for approval.
    page.goto(base + "/register")
    page.fill("#legal_name", "Maison Lumière SA" if language == "en" else "上海星河服饰有限公司")
    page.fill("#legal_name_latin", "Maison Lumiere SA" if language == "en" else "Shanghai Xinghe Apparel")
    page.fill("#country", "FR" if language == "en" else "CN")
    page.check("#origin-0" if language == "en" else "#origin-1")
    page.fill("#contact_email", "legal@brand.example")
    page.select_option("#language", language)
    page.fill("#email", "counsel@brand.example")
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    page.check("#accept")
    page.click("form button.primary")
    expect(page.locator(".flash-success")).to_be_visible()
    # The registrant confirms the address with the link mailed to it.
    server.cli("worker", "--once")
    [mail] = [m for m in mailbox.messages if m["To"] == "counsel@brand.example"]
    page.goto(base + "/email/confirm/" + link_in(mail, "/email/confirm/"))
    page.click("form button.primary")
    expect(page.locator(".flash-success")).to_contain_text(text["confirmed_flash"])

    sign_in(page, base, "prosecutor@proc.example")
    if language == "zh":
        page.goto(base + "/account")
        page.select_option("#prefs-language", "zh")
        page.select_option("#prefs-timezone", "Asia/Shanghai")
        page.click("form:has(#prefs-language) button")
        expect(page.locator("nav.mainnav")).to_contain_text("审查队列")
    page.goto(base + "/review/organisations")
    page.click("button[name=decision][value=approve]")
    expect(page.locator(".flash-success")).to_contain_text(text["approved_flash"])
    sign_out(page)

    # The rights holder records a right, files a complaint and uploads evidence.
    sign_in(page, base, "counsel@brand.example")
    page.goto(base + "/rights")
    page.select_option("#right_type", "trademark")
    page.fill("#registration_number", "G1234567")
    page.fill("#registry", "WIPO Madrid")
    page.fill("#owner", "Maison Lumière SA")
    page.click("form button.primary")
    page.goto(base + "/complaints/new")
    page.fill("#title", "Counterfeit handbags")
    page.check("input[name=right_ids]")
    page.fill("#infringers-0-name", "Fake Bags Store")
    page.fill("#infringers-0-shop_urls", "https://shop.example/fake-bags")
    page.fill("#facts", "Bags bearing our mark sold at a tenth of the price.")
    page.click("form button.primary >> nth=-1")
    complaint_url = page.url
    assert re.search(r"/complaints/\d+$", complaint_url)

    photo = png_bytes((640, 480))
    expect(page.locator("html[data-uploads=ready]")).to_have_count(1)
    page.set_input_files(
        "#uploader .uppy-Dashboard-input >> nth=0",
        files=[
            {"name": "商品照片.png", "mimeType": "image/png", "buffer": photo},
            {"name": "notarial-certificate.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES},
            {"name": "invoice.jpg", "mimeType": "image/jpeg", "buffer": b"<html><script>x</script></html>"},
        ],
    )
    files = page.locator("#uploader .uppy-Dashboard-Item")
    expect(files).to_have_count(3)
    # The certificate's kind, in its file card.
    files.nth(1).locator(".uppy-Dashboard-Item-action--edit").click()
    page.select_option("#uppy-Dashboard-FileCard-input-kind", "notarial_certificate")
    page.click("#uploader .uppy-Dashboard-FileCard-actionsBtn.uppy-c-btn-primary")
    page.click("#uploader .uppy-StatusBar-actionBtn--upload")
    rows = page.locator("#uploader .upload-row")
    expect(rows).to_have_count(3)
    expect(page.locator("#uploader .upload-row.done")).to_have_count(2)
    expect(page.locator("#uploader .upload-row.failed")).to_contain_text("text/html")
    expect(page.locator("#uploader .upload-complete")).to_be_visible()
    page.screenshot(path=str(tmp_path / "upload.png"), full_page=True)

    page.reload()
    evidence_rows = page.locator("table.evidence tbody tr")
    expect(evidence_rows).to_have_count(2)
    expect(page.locator("table.evidence")).to_contain_text("商品照片.png")
    expect(page.locator("img.thumb").first).to_be_visible()
    # The preview is decoded, not a broken image (waits for it to finish loading).
    page.wait_for_function("() => [...document.querySelectorAll('img.thumb')].some(i => i.complete && i.naturalWidth)")
    page.click("#submit-complaint")
    expect(page.locator(".badge-submitted")).to_contain_text(text["submitted"])
    sign_out(page)

    # The prosecutor reviews, verifies, and accepts the complaint into a new case.
    sign_in(page, base, "prosecutor@proc.example")
    page.goto(base + "/review/?status=submitted")
    page.click("table a >> nth=0")
    expect(page.locator("body")).to_contain_text("Fake Bags Store")
    review_url = page.url
    page.click("table.evidence a:has-text('商品照片.png')")
    page.click("#verify")
    expect(page.locator(".flash-success")).to_contain_text(text["verified"])
    with page.expect_download() as download:
        page.click("a[href$='/download']")
    assert download.value.suggested_filename == "商品照片.png"
    assert Path(download.value.path()).read_bytes() == photo
    page.goto(review_url)
    page.check("input[name=action][value=accept]")
    expect(page.locator("#case_number")).to_be_visible()
    expect(page.locator("#reason")).to_be_hidden()
    page.fill("#case_number", "沪检知刑诉〔2026〕17号")
    page.fill("#procuratorate", "Shanghai No. 3 Branch Procuratorate")
    page.fill("#charges", "Counterfeiting a registered trademark")
    page.click("#decision-form button.primary")
    expect(page.locator(".badge-accepted")).to_contain_text(text["accepted"])
    page.click("main a[href*='/cases/']")
    page.select_option("#stage", "prosecuted")
    page.fill("#occurred_on", date.today().isoformat())
    page.fill("#note", "Indictment filed with the court.")
    page.check("#note_shared")
    page.click("form button.primary")
    expect(page.locator(".badge-stage")).to_contain_text(text["stage"])
    page.screenshot(path=str(tmp_path / "case.png"), full_page=True)
    expect(page.locator("#export input[name=evidence]")).to_have_count(2)
    with page.expect_download() as exported:
        page.click("#export button.primary")
    bundle_zip = tmp_path / exported.value.suggested_filename
    exported.value.save_as(bundle_zip)
    verified = subprocess.run([str(BIN / "evidence-verify"), str(bundle_zip)], capture_output=True, text=True)
    assert verified.returncode == 0, verified.stdout
    assert verified.stdout.splitlines()[-1] == "VERIFIED, with warnings"  # no --trust: keys from the bundle
    sign_out(page)

    # The rights holder sees the case, its stage and the shared note, in their language.
    sign_in(page, base, "counsel@brand.example")
    page.goto(complaint_url)
    expect(page.locator("body")).to_contain_text("沪检知刑诉〔2026〕17号")
    expect(page.locator(".timeline")).to_contain_text(text["stage"])
    expect(page.locator(".timeline")).to_contain_text("Indictment filed with the court.")
    page.screenshot(path=str(tmp_path / "holder-case.png"), full_page=True)

    # ... and the signed receipt of a file they handed over, bilingual and printable.
    page.click("table.evidence a:has-text('商品照片.png')")
    page.click("#receipt")
    expect(page.locator("h1")).to_contain_text("证据回执 / Evidence receipt")
    expect(page.locator(".receipt-table")).to_contain_text(hashlib.sha256(photo).hexdigest())
    expect(page.locator("pre.commands")).to_contain_text("openssl pkeyutl -verify")
    with page.expect_download() as receipt:
        page.click("a[href$='/receipt.zip']")
    assert receipt.value.suggested_filename.startswith("receipt-")
    page.screenshot(path=str(tmp_path / "receipt.png"), full_page=True)
