"""The pages through the test client: registration, approval, sign-in security, headers."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import PASSWORD, SECOND_FACTORS, Api, deliver, link_in, mails_to, make_world, png_bytes


def csrf(client: FlaskClient, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf-token" content="([^"]+)"', page)
    assert match, page[:500]
    return match.group(1)


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD) -> int:
    """Sign in through the page, with the second factor when the account has one."""
    token = csrf(client, "/login")
    answer = client.post("/login", data={"email": email, "password": password, "csrf_token": token})
    if answer.status_code == 302 and answer.headers["Location"].startswith("/login/second-factor"):
        code = SECOND_FACTORS[email].code()
        token = csrf(client, "/login/second-factor")
        answer = client.post("/login/second-factor", data={"code": code, "csrf_token": token})
    return answer.status_code


def test_register_approve_and_file(app: Flask) -> None:
    world = make_world(app)
    visitor = app.test_client()
    token = csrf(visitor, "/register")
    bad = visitor.post(
        "/register",
        data={"csrf_token": token, "legal_name": "", "country": "Germany", "email": "x", "password": "short"},
    )
    assert bad.status_code == 422
    body = bad.get_data(as_text=True)
    assert "Two letters, such as DE or CN." in body and 'class="field has-error"' in body
    good = visitor.post(
        "/register",
        data={
            "csrf_token": token,
            "legal_name": "Lumière GmbH",
            "legal_name_latin": "Lumiere GmbH",
            "country": "de",
            "kind": "rights_holder",
            "origin": "foreign",
            "registration_number": "HRB 1",
            "contact_email": "legal@lumiere.example",
            "language": "en",
            "email": "new@lumiere.example",
            "password": PASSWORD,
            "confirm": PASSWORD,
            "accept": "y",
        },
    )
    assert good.status_code == 302
    assert sign_in(visitor, "new@lumiere.example") == 302
    waiting = visitor.get("/complaints").get_data(as_text=True)
    assert "waiting for approval" in waiting and "New complaint" not in waiting
    assert visitor.get("/complaints/new").status_code == 403

    prosecutor = app.test_client()
    sign_in(prosecutor, world.prosecutor.email)
    listing = prosecutor.get("/review/organisations").get_data(as_text=True)
    org_id = re.search(r'/review/organisations/(\d+)"', listing).group(1)  # type: ignore[union-attr]
    assert "Lumière GmbH" in listing
    token = csrf(prosecutor, "/review/organisations")
    assert (
        prosecutor.post(f"/review/organisations/{org_id}", data={"csrf_token": token, "decision": "reject"}).status_code
        == 302
    )
    assert "Give a reason" in prosecutor.get("/review/organisations").get_data(as_text=True)
    # Nobody is approved with an address they have not shown they hold.
    prosecutor.post(f"/review/organisations/{org_id}", data={"csrf_token": token, "decision": "approve"})
    assert "has not confirmed their e-mail address" in prosecutor.get("/review/organisations").get_data(as_text=True)
    deliver(app)
    [mail] = mails_to(app, "new@lumiere.example")
    assert mail["Subject"] == "Confirm your e-mail address"
    confirm = f"/email/confirm/{link_in(mail, '/email/confirm/')}"
    assert "Confirm this address" in visitor.get(confirm).get_data(as_text=True)  # a GET spends nothing
    confirmed = visitor.post(confirm, data={"csrf_token": csrf(visitor, confirm)})
    assert confirmed.status_code == 302 and visitor.get(confirm).status_code == 410
    assert "confirmed" in visitor.get("/account").get_data(as_text=True)
    prosecutor.post(f"/review/organisations/{org_id}", data={"csrf_token": token, "decision": "approve"})
    assert "New complaint" in visitor.get("/complaints").get_data(as_text=True)

    token = csrf(visitor, "/rights")
    assert (
        visitor.post(
            "/rights",
            data={
                "csrf_token": token,
                "right_type": "trademark",
                "registration_number": "DE1",
                "registry": "DPMA",
                "owner": "Lumière GmbH",
            },
        ).status_code
        == 302
    )
    form = visitor.get("/complaints/new").get_data(as_text=True)
    right_id = re.search(r'name="right_ids" type="checkbox" value="(\d+)"', form).group(1)  # type: ignore[union-attr]
    token = csrf(visitor, "/complaints/new")
    created = visitor.post(
        "/complaints/new",
        data={
            "csrf_token": token,
            "title": "Fake lamps",
            "right_ids": right_id,
            "infringers-0-name": "Lamp Shop",
            "infringers-0-shop_urls": "https://lamps.example/1",
            "facts": "Copies of our lamp.",
            "currency": "EUR",
            "language": "en",
        },
    )
    assert created.status_code == 302
    page_url = created.headers["Location"]
    cid = int(page_url.rsplit("/", 1)[1])
    upload = visitor.post(
        f"/complaints/{cid}/evidence",
        data=png_bytes(),
        headers={
            "X-CSRFToken": token,
            "Content-Type": "application/octet-stream",
            "Accept": "application/json",
            "Content-Disposition": "attachment; filename*=UTF-8''%E7%85%A7%E7%89%87.png",
        },
        query_string={"kind": "photo_of_goods"},
    )
    assert upload.status_code == 201 and upload.json["filename"] == "照片.png"
    no_token = visitor.post(
        f"/complaints/{cid}/evidence",
        data=png_bytes(),
        headers={"Content-Type": "application/octet-stream", "Content-Disposition": "attachment; filename=a.png"},
    )
    assert no_token.status_code == 400
    detail = visitor.get(page_url).get_data(as_text=True)
    assert upload.json["sha256"] in detail and "照片.png" in detail
    assert visitor.post(f"/complaints/{cid}/submit", data={"csrf_token": token}).status_code == 302
    assert "Submitted" in visitor.get(page_url).get_data(as_text=True)
    assert visitor.get(f"/complaints/{cid}/edit").status_code == 409

    queue = prosecutor.get("/review/?status=submitted&origin=foreign&right_type=trademark&order=oldest")
    assert f"C-{cid:06d}" in queue.get_data(as_text=True)
    review = prosecutor.get(f"/review/complaints/{cid}").get_data(as_text=True)
    assert "Lamp Shop" in review and "/thumbnail" in review


def test_security_headers_and_cookies(app: Flask, client: FlaskClient) -> None:
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "<script>" not in response.get_data(as_text=True).replace("<script src=", "")


def test_a_path_that_matches_nothing_leaves_the_session_alone(app: Flask, client: FlaskClient) -> None:
    """A browser asks for /favicon.ico by itself, beside a sign-in; its answer must not carry a session cookie
    that, landing after the sign-in's, would sign the user out again."""
    page = client.get("/login").get_data(as_text=True)
    icon = re.search(r'<link rel="icon" href="([^"]+)"', page)
    assert icon is not None
    with client.get(icon.group(1)) as served:
        assert served.status_code == 200 and served.mimetype == "image/svg+xml"
    for path in ("/favicon.ico", "/no/such/page"):
        response = client.get(path)
        assert response.status_code == 404 and "Set-Cookie" not in response.headers
    # A page that does exist still sends an anonymous browser to sign in first.
    assert client.get("/complaints").headers["Location"] == "/login?next=%2Fcomplaints"


def test_secure_cookie_behind_https(make_app: object) -> None:
    app = make_app(SECURE_COOKIES="true")  # type: ignore[operator]
    cookie = app.test_client().get("/login").headers.get("Set-Cookie", "")
    assert "Secure" in cookie


def test_logout_and_password_change_end_sessions(app: Flask) -> None:
    world = make_world(app)
    first, second = app.test_client(), app.test_client()
    sign_in(first, world.holder_a.email)
    sign_in(second, world.holder_a.email)
    stolen = first.get_cookie("session")
    assert stolen is not None
    token = csrf(first, "/complaints")
    first.post("/logout", data={"csrf_token": token})
    replay = app.test_client()
    replay.set_cookie("session", stolen.value)
    assert replay.get("/complaints").status_code == 302  # the copied cookie is dead
    assert second.get("/complaints").status_code == 200
    sign_in(first, world.holder_a.email)
    token = csrf(first, "/account")
    changed = first.post(
        "/account",
        data={
            "csrf_token": token,
            "pw-csrf_token": token,
            "pw-current_password": PASSWORD,
            "pw-new_password": "another long secret",
        },
    )
    assert changed.status_code == 302
    assert second.get("/complaints").status_code == 302
    assert first.get("/complaints").status_code == 200


def test_login_is_throttled_per_account(app: Flask) -> None:
    world = make_world(app)
    for attempt in range(5):
        assert sign_in(app.test_client(), world.holder_a.email, "wrong password!") == 422, attempt
    assert sign_in(app.test_client(), world.holder_a.email, PASSWORD) == 429


def test_open_redirect_refused(app: Flask) -> None:
    world = make_world(app)
    client = app.test_client()
    token = csrf(client, "/login")
    response = client.post(
        "/login?next=//evil.example/x", data={"email": world.holder_a.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.headers["Location"] == "/"


def test_chinese_interface(app: Flask) -> None:
    world = make_world(app)
    client = app.test_client()
    page = client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).get_data(as_text=True)
    assert "登录" in page and "知识产权证据平台" in page
    holder = Api(client, world.holder_a.token)
    holder.submitted(world.right_a)
    sign_in(client, world.prosecutor.email)
    with app.app_context():
        from portal.db import get_session
        from portal.models import User

        get_session().get(User, world.prosecutor.id).language = "zh"  # type: ignore[union-attr]
        get_session().commit()
    queue = client.get("/review/").get_data(as_text=True)
    assert "审查队列" in queue and "已提交" in queue
    # Labels are translated once per language, so the same label still reads in English for the next reader.
    english = app.test_client()
    sign_in(english, world.supervisor.email)
    queue = english.get("/review/").get_data(as_text=True)
    assert "Review queue" in queue and "Submitted" in queue and "已提交" not in queue


def test_times_are_shown_in_the_users_time_zone(app: Flask) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    world = make_world(app)
    client = app.test_client()
    holder = Api(client, world.holder_a.token)
    _cid, eid = holder.submitted(world.right_a)
    received = datetime.fromisoformat(holder("GET", f"/evidence/{eid}").json["received_at"])
    sign_in(client, world.holder_a.email)
    token = csrf(client, "/account")
    bad = client.post(
        "/account", data={"prefs-csrf_token": token, "prefs-language": "en", "prefs-timezone": "Mars/Olympus"}
    )
    assert bad.status_code == 200 and "Not a valid choice" in bad.get_data(as_text=True)
    saved = client.post(
        "/account", data={"prefs-csrf_token": token, "prefs-language": "en", "prefs-timezone": "Asia/Shanghai"}
    )
    assert saved.status_code == 302
    page = client.get(f"/evidence/{eid}").get_data(as_text=True)
    local = received.astimezone(ZoneInfo("Asia/Shanghai"))
    assert f"{local:%-I:%M:%S}" in page and "Asia/Shanghai" in page


def test_preferences_are_checked_by_the_service(app: Flask) -> None:
    import pytest

    from portal.db import get_session
    from portal.models import User
    from portal.services import accounts
    from portal.services.errors import Invalid

    world = make_world(app)
    with app.app_context():
        db = get_session()
        user = db.get(User, world.holder_a.id)
        assert user is not None
        with pytest.raises(Invalid, match="time zone"):
            accounts.set_preferences(db, user, "en", "Mars/Olympus")
        with pytest.raises(Invalid, match="language"):
            accounts.set_preferences(db, user, "fr", "UTC")
        accounts.set_preferences(db, user, "zh", "Europe/Paris")
        assert (user.language, user.timezone) == ("zh", "Europe/Paris")


def test_registration_refuses_a_taken_email(app: Flask) -> None:
    world = make_world(app)
    visitor = app.test_client()
    token = csrf(visitor, "/register")
    taken = visitor.post(
        "/register",
        data={
            "csrf_token": token,
            "legal_name": "X",
            "legal_name_latin": "X",
            "country": "DE",
            "kind": "rights_holder",
            "origin": "foreign",
            "contact_email": "x@x.example",
            "language": "en",
            "timezone": "UTC",
            "email": world.holder_a.email.upper(),
            "password": PASSWORD,
            "confirm": PASSWORD,
            "accept": "y",
        },
    )
    assert taken.status_code == 422 and "Already registered." in taken.get_data(as_text=True)


def test_login_is_throttled_per_address(app: Flask) -> None:
    client = app.test_client()
    for attempt in range(10):
        assert sign_in(client, f"nobody{attempt}@x.example", "wrong password!") == 422, attempt
    assert sign_in(client, "someone-else@x.example", "wrong password!") == 429


def test_a_prosecutor_pages_through_a_complaints_evidence(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    from portal.services import complaints

    monkeypatch.setattr(complaints, "EVIDENCE_PAGE", 2)
    world = make_world(app)
    holder = Api(app.test_client(), world.holder_a.token)
    complaint = holder.draft(world.right_a)["id"]
    names = [f"listing-{n}.pdf" for n in range(5)]
    for name in names:
        assert holder.upload(complaint, f"%PDF-1.4\n% {name}\n%%EOF\n".encode(), filename=name).status_code == 201
    assert holder("POST", f"/complaints/{complaint}/submit").status_code == 200
    browser = app.test_client()
    sign_in(browser, world.prosecutor.email)

    seen, path = [], f"/review/complaints/{complaint}"
    while path:  # onwards by the "Later evidence" link, in the order the files were received
        page = browser.get(path).get_data(as_text=True)
        seen.append([name for name in names if f">{name}</a>" in page])
        later = re.search(r'<a rel="next" href="([^"]+)"', page)
        path = later.group(1).replace("&amp;", "&").split("#")[0] if later else ""
    assert seen == [names[:2], names[2:4], names[4:]]
    earlier = re.search(r'<a rel="prev" href="([^"]+)"', page)
    assert earlier is not None
    back = browser.get(earlier.group(1).replace("&amp;", "&").split("#")[0]).get_data(as_text=True)
    assert [name for name in names if f">{name}</a>" in back] == names[2:4]
    assert browser.get(f"/review/complaints/{complaint}?evidence=bogus").status_code == 422
