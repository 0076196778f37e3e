"""Personal access tokens: named, scoped within the role, expiring, revocable, shown once; scopes on every operation."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from portal.db import get_session
from portal.models import AccountEvent, AccountEventKind, ApiToken, Role, TokenScope, User, utcnow
from portal.services import tokens
from tests.factories import Api, make_user, make_world, names_field
from tests.portal.test_cli import run
from tests.portal.test_pages import csrf, sign_in


def test_a_token_is_made_scoped_and_shown_once(app: Flask, client: FlaskClient) -> None:
    world = make_world(app)
    holder = Api(client, world.holder_a.token)
    made = holder("POST", "/tokens", json={"name": "Case system", "scopes": ["read"], "days": 30})
    assert made.status_code == 201 and made.json["token"].startswith("iep_")
    assert made.json["scopes"] == ["read"] and made.json["owner"] == world.holder_a.email
    listed = holder("GET", "/tokens").json["items"]
    assert [t["name"] for t in listed] == ["Case system", "tests"] and all("token" not in t for t in listed)
    reader = Api(client, made.json["token"])
    assert reader("GET", "/me").status_code == 200
    refused = reader("POST", "/complaints", json={"title": "Not with this token"})
    assert refused.status_code == 403 and refused.json["code"] == "insufficient_scope"
    assert "'file'" in refused.json["detail"] and refused.headers["WWW-Authenticate"].endswith('scope="file"')
    assert holder("GET", "/complaints").json["items"] == []  # nothing was made
    used = next(t for t in holder("GET", "/tokens").json["items"] if t["name"] == "Case system")
    assert used["last_used_at"] is not None and used["expired"] is False


def test_scopes_never_exceed_the_role_and_bad_requests_are_named(app: Flask, client: FlaskClient) -> None:
    world = make_world(app)
    prosecutor = Api(client, world.prosecutor.token)
    beyond = prosecutor("POST", "/tokens", json={"name": "x", "scopes": ["read", "file"]})
    assert beyond.status_code == 403 and "file" in beyond.json["detail"] and names_field(beyond, "scopes")
    holder = Api(client, world.holder_a.token)
    for body, field in (
        ({"name": "", "scopes": ["read"]}, "name"),
        ({"name": "x", "scopes": []}, "scopes"),
        ({"name": "x", "scopes": ["everything"]}, "scopes.0"),
        ({"name": "x", "scopes": ["read"], "days": 0}, "days"),
        ({"name": "x", "scopes": ["read"], "days": 366}, "days"),
    ):
        answer = holder("POST", "/tokens", json=body)
        assert answer.status_code == 422 and names_field(answer, field), body
    with app.app_context():
        member = make_user(Role.HOLDER, "member@brand.example", world.holder_a.org_id)  # not the first: no admin
    admin_scope = Api(client, member.token)("POST", "/tokens", json={"name": "x", "scopes": ["admin"]})
    assert admin_scope.status_code == 403


def test_an_expired_or_revoked_token_stops_working(app: Flask, client: FlaskClient) -> None:
    world = make_world(app)
    holder = Api(client, world.holder_a.token)
    made = holder("POST", "/tokens", json={"name": "Short-lived", "scopes": ["read"], "days": 1}).json
    with app.app_context():
        db = get_session()
        db.execute(update(ApiToken).where(ApiToken.id == made["id"]).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.commit()
    expired = Api(client, made["token"])("GET", "/me")
    assert expired.status_code == 401 and "expired" in expired.json["detail"]
    assert next(t for t in holder("GET", "/tokens").json["items"] if t["id"] == made["id"])["expired"] is True
    other = holder("POST", "/tokens", json={"name": "To revoke", "scopes": ["read"]}).json
    assert Api(client, world.holder_b.token)("DELETE", f"/tokens/{other['id']}").status_code == 404
    assert holder("DELETE", f"/tokens/{other['id']}").status_code == 204
    assert Api(client, other["token"])("GET", "/me").status_code == 401
    assert other["id"] not in [t["id"] for t in holder("GET", "/tokens").json["items"]]
    with app.app_context():
        kinds = get_session().scalars(
            select(AccountEvent.kind).where(AccountEvent.detail["token_id"].as_integer() == other["id"])
        )
        assert sorted(kinds) == [AccountEventKind.TOKEN_CREATED, AccountEventKind.TOKEN_REVOKED]


def test_organisation_administrators_see_and_revoke_members_tokens(app: Flask, client: FlaskClient) -> None:
    world = make_world(app)
    with app.app_context():
        member = make_user(Role.HOLDER, "member@brand.example", world.holder_a.org_id)
    admin = Api(client, world.holder_a.token)
    listed = admin("GET", "/organisation/tokens").json["items"]
    assert {t["owner"] for t in listed} == {world.holder_a.email, member.email}
    assert Api(client, member.token)("GET", "/organisation/tokens").status_code == 403
    assert world.holder_b.email not in {t["owner"] for t in listed}
    theirs = next(t["id"] for t in listed if t["owner"] == member.email)
    assert Api(client, world.holder_b.token)("DELETE", f"/tokens/{theirs}").status_code == 404
    assert admin("DELETE", f"/tokens/{theirs}").status_code == 204
    assert Api(client, member.token)("GET", "/me").status_code == 401


def test_every_operation_needs_its_scope(app: Flask, client: FlaskClient) -> None:
    """Each operation, called with a token that has every scope but the one it needs, is refused naming it."""
    world = make_world(app)
    with app.app_context():
        db = get_session()
        user = db.get_one(User, world.holder_a.id)
        without = {
            needed: tokens.create(db, user, f"without {needed}", tokens.EVERY_SCOPE - set(needed)).secret
            for needed in [*((scope,) for scope in TokenScope), ("file", "cases")]
        }
    document = client.get("/api/v1/openapi.json").json
    checked = 0
    for path, item in document["paths"].items():
        for method, described in item.items():
            if method == "parameters" or described.get("security") == []:
                continue
            needed = tuple(scope for requirement in described["security"] for scope in requirement["bearer"])
            tokens_in_path = re.sub(r"\{(upload_id|batch_id)\}", "A" * 32, path)
            url = "/api/v1" + re.sub(r"\{[^}]+\}", "1", tokens_in_path)
            answer = client.open(url, method=method.upper(), headers={"Authorization": f"Bearer {without[needed]}"})
            assert answer.status_code == 403, (method, path)
            assert all(scope in answer.headers["WWW-Authenticate"] for scope in needed), (method, path)
            if method != "head":  # an answer to HEAD has no body
                assert answer.json["code"] == "insufficient_scope", (method, path)
                assert all(f"'{scope}'" in answer.json["detail"] for scope in needed), (method, path)
            checked += 1
    assert checked > 80


def test_the_token_pages(app: Flask) -> None:
    world = make_world(app)
    with app.app_context():
        member = make_user(Role.HOLDER, "member@brand.example", world.holder_a.org_id)
    browser = app.test_client()
    sign_in(browser, world.holder_a.email)
    page = browser.get("/account/tokens").get_data(as_text=True)
    assert "administer the organisation" in page  # an administrator may give every scope
    token = csrf(browser, "/account/tokens")
    empty = browser.post("/account/tokens", data={"csrf_token": token, "name": "", "days": "90"})
    assert empty.status_code == 422
    made = browser.post(
        "/account/tokens", data={"csrf_token": token, "name": "ERP", "scopes": ["read", "file"], "days": "30"}
    )
    secret = re.search(r'<code class="secret">(iep_[^<]+)</code>', made.get_data(as_text=True))
    assert made.status_code == 200 and secret
    assert Api(app.test_client(), secret.group(1))("GET", "/me").status_code == 200
    assert secret.group(1) not in browser.get("/account/tokens").get_data(as_text=True)  # shown once
    members = browser.get("/org/tokens").get_data(as_text=True)
    assert member.email in members and "ERP" in members
    with app.app_context():
        theirs = get_session().scalar(select(ApiToken.id).where(ApiToken.user_id == member.id))
    revoked = browser.post(f"/org/tokens/{theirs}/revoke", data={"csrf_token": token})
    assert revoked.status_code == 302 and Api(app.test_client(), member.token)("GET", "/me").status_code == 401
    other = app.test_client()
    sign_in(other, member.email)
    assert "administer the organisation" not in other.get("/account/tokens").get_data(as_text=True)
    assert other.get("/org/tokens").status_code == 403


def test_operators_make_tokens_with_the_same_scopes_and_expiry(app: Flask) -> None:
    world = make_world(app)
    code, out, _ = run(app, "tokens", "create", "--email", world.holder_a.email, "--scope", "read", "--days", "7")
    assert code == 0
    reader = Api(app.test_client(), out.strip())
    assert reader("GET", "/me").status_code == 200
    assert reader("POST", "/complaints", json={"title": "x"}).json["code"] == "insufficient_scope"
    made = next(t for t in reader("GET", "/tokens").json["items"] if t["name"] == "made on the command line")
    assert made["scopes"] == ["read"]
    code, _, err = run(app, "tokens", "create", "--email", world.prosecutor.email, "--scope", "file")
    assert code == 1 and "does not allow" in err
    code, _, err = run(app, "tokens", "create", "--email", world.holder_a.email, "--days", "400")
    assert code == 1 and "1 to 365 days" in err
