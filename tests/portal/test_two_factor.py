"""Two-factor sign-in: required of staff, optional for others unless their organisation requires it; TOTP codes
count once; the half-signed-in browser reaches nothing else; recovery codes stand in, once each."""

from __future__ import annotations

import re
import time

import pyotp
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.db import get_session
from portal.models import AccountEvent, AccountEventKind, LoginSession, Role, User
from portal.services import accounts
from tests.factories import PASSWORD, SECOND_FACTORS, Api, make_world
from tests.portal.test_access import PUBLIC, fill
from tests.portal.test_pages import csrf, sign_in


def password_only(client: FlaskClient, email: str) -> str:
    """The first step of signing in; where the browser is sent next."""
    answer = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf(client, "/login")})
    assert answer.status_code == 302
    return answer.headers["Location"]


def second_factor(client: FlaskClient, code: str) -> int:
    token = csrf(client, "/login/second-factor")
    return client.post("/login/second-factor", data={"code": code, "csrf_token": token}).status_code


def test_staff_set_up_a_second_factor_before_reaching_anything(app: Flask) -> None:
    world = make_world(app)
    with app.app_context():
        accounts.create_user(get_session(), "new@proc.example", PASSWORD, Role.PROSECUTOR, None)
    browser = app.test_client()
    assert sign_in(browser, "new@proc.example") == 302
    for path in ("/review/", "/cases/", "/account", "/account/tokens", f"/complaints/{world.right_a}"):
        answer = browser.get(path)
        assert answer.status_code == 302 and answer.headers["Location"] == "/account/two-factor", path
    refused = browser.post("/account/tokens", data={"csrf_token": csrf(browser, "/account/two-factor"), "name": "x"})
    assert refused.status_code == 302 and refused.headers["Location"] == "/account/two-factor"
    page = browser.get("/account/two-factor").get_data(as_text=True)
    assert "must sign in with a second factor" in page and "<svg" in page
    secret = re.search(r'id="totp-secret">([A-Z2-7]{32})<', page).group(1)  # type: ignore[union-attr]
    token = csrf(browser, "/account/two-factor")
    wrong = browser.post("/account/two-factor/totp", data={"code": "000000", "csrf_token": token})
    assert wrong.status_code == 422 and "not right" in wrong.get_data(as_text=True)
    with app.app_context():
        before = set(get_session().scalars(select(LoginSession.token_hash)))
    done = browser.post("/account/two-factor/totp", data={"code": pyotp.TOTP(secret).now(), "csrf_token": token})
    codes = re.findall(r"<code>([0-9a-f]{5}-[0-9a-f]{5})</code>", done.get_data(as_text=True))
    assert done.status_code == 200 and len(codes) == 10 == len(set(codes))
    with app.app_context():
        after = set(get_session().scalars(select(LoginSession.token_hash)))
    assert len(after - before) == 1 and len(before - after) == 1  # the session id changed
    assert browser.get("/review/").status_code == 200
    # And the next sign-in asks for the second factor.
    again = app.test_client()
    assert password_only(again, "new@proc.example").startswith("/login/second-factor")
    assert second_factor(again, codes[0]) == 302 and again.get("/review/").status_code == 200


def test_a_half_signed_in_browser_reaches_nothing_but_the_second_factor(app: Flask) -> None:
    world = make_world(app)
    browser = app.test_client()
    assert password_only(browser, world.prosecutor.email).startswith("/login/second-factor")
    reached = []
    for rule in app.url_map.iter_rules():
        if rule.rule in PUBLIC or rule.rule.startswith("/api/"):
            continue
        # Ids that fit the converters, so that every path reaches its view (a path matching nothing is a 404).
        path = fill(rule.rule, {name: "A" * 32 if f"<token:{name}>" in rule.rule else 1 for name in rule.arguments})
        for method in rule.methods - {"HEAD", "OPTIONS"}:  # type: ignore[operator]
            answer = browser.open(path, method=method)
            sent_away = answer.status_code == 302 and answer.headers["Location"].startswith("/login")
            if not sent_away and not (method != "GET" and answer.status_code == 400):  # 400: no CSRF token
                reached.append((method, path, answer.status_code))
    assert reached == []
    # The API takes only tokens: the half-signed-in cookie is nothing there either.
    assert browser.get("/api/v1/me").status_code == 401
    assert second_factor(browser, "123456") == 422
    assert browser.get("/review/").status_code == 302
    assert second_factor(browser, SECOND_FACTORS[world.prosecutor.email].code()) == 302
    assert browser.get("/review/").status_code == 200
    with app.app_context():
        kinds = list(
            get_session().scalars(select(AccountEvent.kind).where(AccountEvent.user_id == world.prosecutor.id))
        )
    assert AccountEventKind.SECOND_FACTOR_FAILED in kinds and kinds[-1] is AccountEventKind.SIGNED_IN


def test_a_totp_code_counts_once(app: Flask) -> None:
    world = make_world(app)
    factor = SECOND_FACTORS[world.prosecutor.email]
    code = factor.code()
    first, second = app.test_client(), app.test_client()
    password_only(first, world.prosecutor.email)
    password_only(second, world.prosecutor.email)
    assert second_factor(first, code) == 302
    assert second_factor(second, code) == 422  # the same code, a moment later, from elsewhere
    # Nor does a code of an earlier step, once a later one was accepted.
    earlier = pyotp.TOTP(factor.secret).at((factor.last_step - 1) * 30)
    assert second_factor(second, earlier) == 422
    assert second_factor(second, factor.code()) == 302


def test_recovery_codes_stand_in_once_each(app: Flask) -> None:
    world = make_world(app)
    factor = SECOND_FACTORS[world.prosecutor.email]
    code = factor.recovery[0]
    browser = app.test_client()
    password_only(browser, world.prosecutor.email)
    assert second_factor(browser, code.upper().replace("-", " ")) == 302  # as typed, roughly
    assert "9 recovery codes left." in browser.get("/account/two-factor").get_data(as_text=True)
    other = app.test_client()
    password_only(other, world.prosecutor.email)
    assert second_factor(other, code) == 422
    made = browser.post("/account/two-factor/recovery-codes", data={"csrf_token": csrf(browser, "/account")})
    fresh = re.findall(r"<code>([0-9a-f]{5}-[0-9a-f]{5})</code>", made.get_data(as_text=True))
    assert len(fresh) == 10
    assert second_factor(other, factor.recovery[1]) == 422  # the earlier codes stopped working
    assert second_factor(other, fresh[0]) == 302


def test_second_factor_attempts_are_throttled(app: Flask) -> None:
    world = make_world(app)
    browser = app.test_client()
    password_only(browser, world.prosecutor.email)
    statuses = [second_factor(browser, "000000") for _ in range(11)]
    assert statuses[:10] == [422] * 10 and statuses[10] == 429


def test_the_second_step_must_follow_the_first_within_minutes(app: Flask) -> None:
    world = make_world(app)
    browser = app.test_client()
    password_only(browser, world.prosecutor.email)
    with browser.session_transaction() as session:
        session["pending_sign_in"] = {**session["pending_sign_in"], "at": int(time.time()) - 301}
    answer = browser.get("/login/second-factor")
    assert answer.status_code == 302 and answer.headers["Location"] == "/login"


def test_an_organisation_can_require_a_second_factor_of_its_members(app: Flask, client: FlaskClient) -> None:
    world = make_world(app)
    admin = Api(client, world.holder_a.token)
    browser = app.test_client()
    sign_in(browser, world.holder_a.email)
    assert browser.get("/complaints").status_code == 200  # optional so far
    turned = admin("PATCH", "/organisation", json={"require_two_factor": True})
    assert turned.status_code == 200 and turned.json["require_two_factor"] is True
    assert Api(client, world.holder_b.token)("GET", "/me").json["organisation"]["require_two_factor"] is False
    assert browser.get("/complaints").headers["Location"] == "/account/two-factor"
    assert admin("GET", "/complaints").status_code == 200  # tokens are not sign-ins; they keep working
    made = admin("POST", "/tokens", json={"name": "x", "scopes": ["read"]})
    assert made.status_code == 403 and "two-factor" in made.json["detail"]
    with app.app_context():
        event = get_session().scalar(
            select(AccountEvent).where(AccountEvent.kind == AccountEventKind.TWO_FACTOR_POLICY_CHANGED)
        )
        assert event is not None and event.detail == {"required": True}
        holder = get_session().get_one(User, world.holder_a.id)
        assert holder.totp_secret is None


def test_the_organisation_s_switch_needs_its_answer(app: Flask) -> None:
    world = make_world(app)
    browser = app.test_client()
    sign_in(browser, world.holder_a.email)
    token = csrf(browser, "/org/members")
    for data in ({}, {"required": "maybe"}):
        answer = browser.post("/org/two-factor", data={"csrf_token": token, **data}, follow_redirects=True)
        assert "Say whether members must use a second factor." in answer.get_data(as_text=True)
    me = Api(app.test_client(), world.holder_a.token)("GET", "/me").json
    assert me["organisation"]["require_two_factor"] is False
    on = browser.post("/org/two-factor", data={"csrf_token": token, "required": "yes"}, follow_redirects=True)
    assert "Every member now signs in with a second factor" in on.get_data(as_text=True)
