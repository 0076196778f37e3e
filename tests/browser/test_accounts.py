"""Accounts in headless Chromium, in English and Chinese, with the mails read from the local SMTP server:
an invitation accepted, a forgotten password reset, a removed member locked out at once, and a passkey."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import open_page
from tests.browser.signing import sign_in
from tests.factories import link_in
from tests.gunicorn import Portal
from tests.receivers import SMTPServer

ADMIN, COLLEAGUE = "ip@lumiere.example", "li.na@lumiere.example"
PASSWORD, CHOSEN, RESET = "the administrator's passphrase", "a passphrase li na chose", "a new one after forgetting"
TEXT = {
    "en": {
        "invited": "An invitation is on its way",
        "welcome": "Welcome",
        "reset": "If an account uses this address",
        "changed": "Password changed",
        "removed": "is removed",
        "wrong": "Wrong e-mail or password.",
        "spent": "This link no longer works",
    },
    "zh": {
        "invited": "邀请已发送至",
        "welcome": "欢迎",
        "reset": "如有账户使用此邮箱",
        "changed": "密码已更改",
        "removed": "已被移除",
        "wrong": "电子邮箱或密码错误。",
        "spent": "此链接已失效",
    },
}


def mailed_link(server: Portal, mailbox: SMTPServer, to: str, path: str) -> str:
    server.cli("worker", "--once")
    [mail] = [m for m in mailbox.messages if m["To"] == to]
    mailbox.messages.remove(mail)
    return server.url + path + link_in(mail, path)  # type: ignore[arg-type]


def test_invitation_reset_and_removal(
    portal: tuple[str, Portal], page: Page, browser: Browser, mailbox: SMTPServer
) -> None:
    language, server = portal
    text = TEXT[language]
    org = server.cli("orgs", "create", "--name", "Maison Lumière SA", "--country", "FR")
    server.cli("users", "create", "--email", ADMIN, "--password", PASSWORD, "--role", "holder", "--org-id", org)
    page.context.set_extra_http_headers({"Accept-Language": "zh-CN,zh;q=0.9" if language == "zh" else "en"})
    sign_in(page, server.url, ADMIN, PASSWORD)
    page.goto(server.url + "/account")
    page.select_option("#prefs-language", language)
    page.click("form:has(#prefs-language) button")

    # The administrator invites a colleague, who chooses her own password from the mailed link.
    page.goto(server.url + "/org/members")
    page.fill("#email", COLLEAGUE)
    page.select_option("#role", "member")
    page.click("form[action$='/org/members'] button.primary")
    expect(page.locator(".flash-success")).to_contain_text(text["invited"])
    invitation = mailed_link(server, mailbox, COLLEAGUE, "/invitations/")
    colleague = open_page(browser, language)
    colleague.goto(invitation)
    expect(colleague.locator("h1")).to_be_visible()
    colleague.fill("#name", "Li Na")
    colleague.fill("#password", CHOSEN)
    colleague.fill("#confirm", CHOSEN)
    colleague.click("form button.primary")
    expect(colleague.locator(".flash-success")).to_contain_text(text["welcome"])
    colleague.goto(invitation)
    expect(colleague.locator("h1")).to_contain_text(text["spent"])  # the link worked once
    sign_in(colleague, server.url, COLLEAGUE, CHOSEN)

    # She forgets it, and resets it from the link mailed to her.
    colleague.click("header .who button.link")
    colleague.goto(server.url + "/password/forgot")
    colleague.fill("#email", COLLEAGUE)
    colleague.click("form button.primary")
    expect(colleague.locator(".flash-info")).to_contain_text(text["reset"])
    colleague.goto(mailed_link(server, mailbox, COLLEAGUE, "/password/reset/"))
    colleague.fill("#password", RESET)
    colleague.fill("#confirm", RESET)
    colleague.click("form button.primary")
    expect(colleague.locator("h1")).to_contain_text(text["changed"])
    sign_in(colleague, server.url, COLLEAGUE, RESET)
    colleague.goto(server.url + "/complaints")

    # Removed, she is out at once: her open page, and any new sign-in.
    page.goto(server.url + "/org/members")
    page.click(f"tr:has-text('{COLLEAGUE}') form[action$='/remove'] button")
    expect(page.locator(".flash-success")).to_contain_text(text["removed"])
    colleague.reload()
    expect(colleague.locator("#password")).to_be_visible()
    colleague.fill("#email", COLLEAGUE)
    colleague.fill("#password", RESET)
    colleague.click("form button.primary")
    expect(colleague.locator(".field.has-error")).to_contain_text(text["wrong"])
    colleague.context.close()


def test_a_passkey_registered_then_used_after_the_password_and_alone(portal: tuple[str, Portal], page: Page) -> None:
    """Chromium's virtual authenticator (CDP WebAuthn) stands in for a phone's or laptop's."""
    language, server = portal
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    options = {"protocol": "ctap2", "transport": "internal", "hasResidentKey": True}
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {"options": {**options, "hasUserVerification": True, "isUserVerified": True}},
    )
    org = server.cli("orgs", "create", "--name", "Maison Lumière SA", "--country", "FR")
    server.cli("users", "create", "--email", ADMIN, "--password", PASSWORD, "--role", "holder", "--org-id", org)
    page.context.set_extra_http_headers({"Accept-Language": "zh-CN,zh;q=0.9" if language == "zh" else "en"})
    sign_in(page, server.url, ADMIN, PASSWORD)
    page.goto(server.url + "/account/two-factor")
    expect(page.locator("html[data-passkeys=ready]")).to_be_attached()
    page.fill("#passkey-name", "Chromium")
    page.click("#passkey-register button")
    expect(page.locator("#new-recovery-codes code")).to_have_count(10)
    page.goto(server.url + "/account/two-factor")
    expect(page.locator("#passkeys td").first).to_have_text("Chromium")

    # After the password, the passkey is the second factor.
    page.click("header .who button.link")
    page.goto(server.url + "/login")
    page.fill("#email", ADMIN)
    page.fill("#password", PASSWORD)
    page.click("form button.primary")
    expect(page.locator("html[data-passkeys=ready]")).to_be_attached()
    page.click("[data-passkey-sign-in]")
    expect(page.locator("header .who")).to_contain_text(ADMIN)

    # And alone: no password, the authenticator verifies its user.
    page.click("header .who button.link")
    page.goto(server.url + "/login")
    expect(page.locator("html[data-passkeys=ready]")).to_be_attached()
    page.click("[data-passkey-sign-in]")
    expect(page.locator("header .who")).to_contain_text(ADMIN)
