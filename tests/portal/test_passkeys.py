"""Passkeys through the portal's own endpoints, answered by a software authenticator (tests/authenticator.py):
registered, used as the second factor, used alone when the authenticator verifies its user, and refused
when they should be."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from portal.db import get_session
from portal.models import Passkey, Role
from tests.authenticator import Authenticator
from tests.factories import Api, make_user, make_world
from tests.portal.test_pages import csrf, sign_in
from tests.portal.test_two_factor import password_only

PARTY = {"origin": "http://localhost:8000", "rp_id": "localhost"}


def post(client: FlaskClient, path: str, token: str, body: Any = None) -> TestResponse:
    headers = {"X-CSRFToken": token, "Accept": "application/json"}
    return client.post(path, json=body or {}, headers=headers)


def register(client: FlaskClient, device: Authenticator, name: str = "work laptop") -> TestResponse:
    token = csrf(client, "/account/two-factor")
    options = post(client, "/account/passkeys/options", token)
    assert options.status_code == 200 and options.json["rp"]["id"] == "localhost"
    return post(
        client, "/account/passkeys", token, {"name": name, "credential": json_of(device.register(options.text))}
    )


def json_of(text: str) -> Any:
    return json.loads(text)


def with_passkey(client: FlaskClient, device: Authenticator, verify_user: bool = True) -> TestResponse:
    token = csrf(client, "/login")
    options = post(client, "/login/passkey/options", token)
    return post(client, "/login/passkey", token, {"credential": json_of(device.sign_in(options.text, verify_user))})


def test_a_passkey_is_the_second_factor_or_the_whole_sign_in(app: Flask) -> None:
    world = make_world(app)
    device = Authenticator(**PARTY)
    browser = app.test_client()
    sign_in(browser, world.holder_a.email)
    added = register(browser, device)
    assert added.status_code == 201 and len(added.json["codes"]) == 10
    page = browser.get("/account/two-factor").get_data(as_text=True)
    assert "work laptop" in page and "10 recovery codes left." in page
    # After the password, the passkey is the second factor.
    second = app.test_client()
    assert password_only(second, world.holder_a.email).startswith("/login/second-factor")
    done = with_passkey(second, device)
    assert done.status_code == 200 and done.json["redirect"] == "/"
    assert second.get("/complaints").status_code == 200
    # Alone, when the authenticator verified its user (PIN or biometric): no password at all.
    alone = app.test_client()
    assert with_passkey(alone, device).status_code == 200 and alone.get("/complaints").status_code == 200
    unverified = app.test_client()
    refused = with_passkey(unverified, device, verify_user=False)
    assert refused.status_code == 422 and unverified.get("/complaints").status_code == 302


def test_a_passkey_is_refused_for_another_account_and_once_answered(app: Flask) -> None:
    world = make_world(app)
    device = Authenticator(**PARTY)
    browser = app.test_client()
    sign_in(browser, world.holder_a.email)
    register(browser, device)
    # B gives B's password, then A's passkey: not B's, so no.
    other = app.test_client()
    sign_in(other, world.holder_b.email)  # B has no second factor yet: B registers one to be asked for it
    register(other, Authenticator(**PARTY), "B's key")
    other = app.test_client()
    assert password_only(other, world.holder_b.email).startswith("/login/second-factor")
    assert with_passkey(other, device).status_code == 404
    # An answer is good for its own challenge only, once.
    fresh = app.test_client()
    options = post(fresh, "/login/passkey/options", csrf(fresh, "/login"))
    answer = {"credential": json_of(device.sign_in(options.text))}
    assert post(fresh, "/login/passkey", csrf(fresh, "/login"), answer).status_code == 200
    replay = app.test_client()
    post(replay, "/login/passkey/options", csrf(replay, "/login"))
    assert post(replay, "/login/passkey", csrf(replay, "/login"), answer).status_code == 422


def test_a_removed_member_s_passkey_signs_nobody_in(app: Flask) -> None:
    world = make_world(app)
    with app.app_context():
        member = make_user(Role.HOLDER, "member@brand.example", world.holder_a.org_id)
    device = Authenticator(**PARTY)
    browser = app.test_client()
    sign_in(browser, member.email)
    register(browser, device)
    assert (
        Api(app.test_client(), world.holder_a.token)("DELETE", f"/organisation/members/{member.id}").status_code == 204
    )
    after = app.test_client()
    assert with_passkey(after, device).status_code == 404 and after.get("/complaints").status_code == 302


def test_staff_keep_a_second_factor(app: Flask) -> None:
    world = make_world(app)
    device = Authenticator(**PARTY)
    browser = app.test_client()
    sign_in(browser, world.prosecutor.email)
    register(browser, device, "security key")
    page = browser.get("/account/two-factor").get_data(as_text=True)
    assert "Remove the authenticator app" in page  # the passkey remains
    keys = [line for line in page.splitlines() if "/account/passkeys/" in line and "/remove" in line]
    passkey_path = keys[0].split('action="')[1].split('"')[0]
    token = csrf(browser, "/account/two-factor")
    browser.post("/account/two-factor/totp/remove", data={"csrf_token": token, "password": "correct horse battery"})
    refused = browser.post(passkey_path, data={"csrf_token": token}, follow_redirects=True)
    assert "must keep a second factor" in refused.get_data(as_text=True)


def test_malformed_passkey_requests_are_refused_with_a_reason(app: Flask) -> None:
    world = make_world(app)
    device = Authenticator(**PARTY)
    browser = app.test_client()
    token = csrf(browser, "/login")
    # No challenge was asked for in this browser.
    unasked = post(browser, "/login/passkey", token, {"credential": {"id": "x"}})
    assert unasked.status_code == 422 and "Start again" in unasked.json["detail"]
    # A challenge, then a body that is not JSON.
    post(browser, "/login/passkey/options", token)
    headers = {"X-CSRFToken": token, "Accept": "application/json"}
    garbled = browser.post("/login/passkey", data="credential=1", headers=headers, content_type="text/plain")
    assert garbled.status_code == 422 and '{"credential"' in garbled.json["detail"]
    # The challenge was spent on the bad answer: a good answer now has to ask again.
    assert post(browser, "/login/passkey", token, {"credential": {"id": "x"}}).status_code == 422
    # Registration names the passkey, in 1 to 100 characters.
    sign_in(browser, world.holder_a.email)
    token = csrf(browser, "/account/two-factor")
    for name in ("", "   ", "k" * 101):
        options = post(browser, "/account/passkeys/options", token)
        refused = post(
            browser, "/account/passkeys", token, {"name": name, "credential": json_of(device.register(options.text))}
        )
        assert refused.status_code == 422 and "1 to 100 characters" in refused.json["detail"], name
        assert refused.json["fields"]["name"]
    with app.app_context():
        assert get_session().scalar(select(func.count()).select_from(Passkey)) == 0
    assert register(browser, device, "k" * 100).status_code == 201
