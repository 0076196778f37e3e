"""Accounts as people use them: passwords chosen by NIST's rules, confirmed addresses, forgotten passwords."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from portal.db import get_session
from portal.models import AccountEvent, AccountEventKind, AccountLink, Channel, OutboxMessage, Role, User, utcnow
from portal.security import limiter
from portal.services.errors import Invalid
from portal.services.passwords import MAX_PASSWORD_LENGTH, check_new_password
from tests.factories import Api, deliver, link_in, make_user, make_world, names_field
from tests.portal.test_pages import csrf, sign_in
from tests.receivers import SMTPServer


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short pass", "at least 12 characters"),
        ("x" * (MAX_PASSWORD_LENGTH + 1), "at most 128 characters"),
        ("q1w2e3r4t5y6", "most common"),  # from the bundled list
        ("Q1W2E3R4T5Y6", "most common"),  # which is compared without case
        ("abababababababab", "most common"),
        ("mei.lin@brand.example", "e-mail address"),
        ("mei.lin-2026-spring", "e-mail address"),
    ],
)
def test_passwords_follow_nist_800_63b(password: str, reason: str) -> None:
    with pytest.raises(Invalid) as refused:
        check_new_password(password, "Mei.Lin@brand.example")
    assert reason in refused.value.message and list(refused.value.fields) == ["password"]


def test_any_long_enough_password_is_taken_without_composition_rules() -> None:
    longest = ("a long passphrase " * 8)[:MAX_PASSWORD_LENGTH]
    for password in ("correct horse battery staple", "所有的密码都可以用中文写成", "Tr0ub4dor&3xyz", longest):
        check_new_password(password, "mei.lin@brand.example")


@pytest.fixture
def mailed(make_app: Callable[..., Flask], mailbox: SMTPServer) -> tuple[Flask, SMTPServer]:
    return make_app(**mailbox.env()), mailbox


def _mail_to(mailbox: SMTPServer, address: str, subject: str) -> str:
    found = [m for m in mailbox.messages if m["To"] == address and m["Subject"] == subject]
    assert found, [(m["To"], m["Subject"]) for m in mailbox.messages]
    return found[-1]  # type: ignore[return-value]


def test_a_forgotten_password_is_reset_by_a_link_that_works_once(mailed: tuple[Flask, SMTPServer]) -> None:
    app, mailbox = mailed
    world = make_world(app)
    client = app.test_client()
    browser = app.test_client()
    assert sign_in(browser, world.holder_a.email) == 302
    for address in (world.holder_a.email, "nobody@brand.example"):
        asked = client.post("/api/v1/password-reset", json={"email": address})
        assert asked.status_code == 202
        assert asked.json == {"detail": "If an account uses this address, a link to reset its password is on its way."}
    sent = deliver(app)
    assert (sent.sent, sent.failed) == (1, 1)  # nothing goes to an address without an account
    mail = _mail_to(mailbox, world.holder_a.email, "Reset your password")
    token = link_in(mail, "/password/reset/")  # type: ignore[arg-type]
    assert "works once" in mail.get_body(("plain",)).get_content()  # type: ignore[attr-defined]
    with app.app_context():
        bodies = get_session().scalars(select(OutboxMessage.body).where(OutboxMessage.channel == Channel.ACCOUNT_EMAIL))
        assert all("token" not in body for body in bodies)  # once sent, the database holds no usable link

    page = client.get(f"/password/reset/{token}")
    assert page.status_code == 200 and "Choose a new password" in page.get_data(as_text=True)
    weak = client.post("/api/v1/password-reset/confirm", json={"token": token, "password": "password1234"})
    assert weak.status_code == 422 and names_field(weak, "password")
    done = client.post("/api/v1/password-reset/confirm", json={"token": token, "password": "a new long passphrase"})
    assert done.status_code == 200
    # Nothing is revoked silently: the token still works, and the answer says so.
    assert [t["id"] for t in done.json["tokens"]] == [1]
    assert Api(client, world.holder_a.token)("GET", "/me").status_code == 200
    assert browser.get("/account").status_code == 302  # every signed-in browser is signed out
    assert sign_in(app.test_client(), world.holder_a.email, "a new long passphrase") == 302

    again = client.post("/api/v1/password-reset/confirm", json={"token": token, "password": "yet another passphrase"})
    assert again.status_code == 422 and "expired or was already used" in again.json["detail"]
    assert client.get(f"/password/reset/{token}").status_code == 410
    with app.app_context():
        kinds = get_session().scalars(select(AccountEvent.kind).order_by(AccountEvent.id)).all()
    assert kinds.count(AccountEventKind.PASSWORD_RESET_ASKED) == 2 and AccountEventKind.PASSWORD_RESET in kinds


def test_a_reset_link_expires_and_only_the_newest_works(mailed: tuple[Flask, SMTPServer]) -> None:
    app, mailbox = mailed
    world = make_world(app)
    client = app.test_client()
    for _ in range(2):
        client.post("/api/v1/password-reset", json={"email": world.holder_a.email.upper()})
        deliver(app)
    first, second = (
        link_in(m, "/password/reset/")  # type: ignore[arg-type]
        for m in mailbox.messages
        if m["Subject"] == "Reset your password"
    )
    assert client.get(f"/password/reset/{first}").status_code == 410
    with app.app_context():
        db = get_session()
        db.execute(update(AccountLink).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.commit()
    expired = client.post("/api/v1/password-reset/confirm", json={"token": second, "password": "a new long passphrase"})
    assert expired.status_code == 422 and names_field(expired, "token")
    page = client.get(f"/password/reset/{second}")
    assert page.status_code == 410 and "Ask for a new one" in page.get_data(as_text=True)


def test_a_link_asked_for_too_long_ago_is_not_sent(mailed: tuple[Flask, SMTPServer]) -> None:
    app, mailbox = mailed
    world = make_world(app)
    app.test_client().post("/api/v1/password-reset", json={"email": world.holder_a.email})
    assert deliver(app, later=timedelta(hours=2)).failed == 1 and mailbox.messages == []


def test_the_reset_answer_does_not_tell_whether_an_account_exists(app: Flask) -> None:
    """Same body, same status, and the same time: median of 20 tries each, interleaved, within a ratio of 1.5."""
    world = make_world(app)
    client = app.test_client()
    times: dict[bool, list[float]] = {True: [], False: []}
    answers = set()
    limiter.enabled = False  # 40 requests from one address
    try:
        for n in range(20):
            for known in (True, False):
                address = world.holder_a.email if known else f"nobody{n}@brand.example"
                started = time.perf_counter()
                answer = client.post("/api/v1/password-reset", json={"email": address})
                times[known].append(time.perf_counter() - started)
                answers.add((answer.status_code, answer.get_data()))
    finally:
        limiter.enabled = True
    assert len(answers) == 1
    known, unknown = statistics.median(times[True]), statistics.median(times[False])
    assert max(known, unknown) / min(known, unknown) < 1.5, (known, unknown)


def test_an_address_is_confirmed_and_changed_by_a_link(mailed: tuple[Flask, SMTPServer]) -> None:
    app, mailbox = mailed
    world = make_world(app)
    holder = Api(app.test_client(), world.holder_a.token)
    assert holder("GET", "/me").json["email_verified"] is True  # made by the operator, who vouches for it
    assert holder("POST", "/me/email/confirmation").status_code == 409
    wrong = holder("POST", "/me/email", json={"email": "mei@new.example", "password": "not it at all"})
    assert wrong.status_code == 422 and names_field(wrong, "password")
    taken = holder("POST", "/me/email", json={"email": world.holder_b.email, "password": "correct horse battery"})
    assert taken.status_code == 409 and names_field(taken, "email")
    bad = holder("POST", "/me/email", json={"email": "not an address", "password": "x"})
    assert bad.status_code == 422 and names_field(bad, "email")
    asked = holder("POST", "/me/email", json={"email": "Mei@New.example", "password": "correct horse battery"})
    assert asked.status_code == 202
    deliver(app)
    token = link_in(_mail_to(mailbox, "mei@new.example", "Confirm your e-mail address"), "/email/confirm/")  # type: ignore[arg-type]
    assert holder("GET", "/me").json["email"] == world.holder_a.email  # unchanged until the link is followed
    client = app.test_client()
    assert client.post("/api/v1/email-confirmation", json={"token": token}).json == {"email": "mei@new.example"}
    assert holder("GET", "/me").json["email"] == "mei@new.example"
    assert client.post("/api/v1/email-confirmation", json={"token": token}).status_code == 422
    assert sign_in(app.test_client(), "mei@new.example") == 302
    assert sign_in(app.test_client(), world.holder_a.email) == 422


def test_the_account_page_changes_the_address_and_says_what_is_confirmed(mailed: tuple[Flask, SMTPServer]) -> None:
    app, mailbox = mailed
    world = make_world(app)
    browser = app.test_client()
    sign_in(browser, world.holder_a.email)
    page = browser.get("/account").get_data(as_text=True)
    assert "confirmed" in page and "not confirmed" not in page
    token = csrf(browser, "/account")
    refused = browser.post(
        "/account",
        data={"csrf_token": token, "address-email": "a@brand.example", "address-password": "correct horse battery"},
    )
    assert refused.status_code == 422 and "This is already your address." in refused.get_data(as_text=True)
    changed = browser.post(
        "/account",
        data={"csrf_token": token, "address-email": "mei@new.example", "address-password": "correct horse battery"},
    )
    assert changed.status_code == 302
    deliver(app)
    assert _mail_to(mailbox, "mei@new.example", "Confirm your e-mail address")


def test_sign_ins_and_failures_are_in_the_account_log(app: Flask, client: FlaskClient) -> None:
    world = make_world(app)
    assert sign_in(client, world.holder_a.email, "wrong password!") == 422
    assert sign_in(client, "nobody@brand.example", "wrong password!") == 422
    assert sign_in(client, world.holder_a.email) == 302
    with app.app_context():
        signing_in = (AccountEventKind.SIGN_IN_FAILED, AccountEventKind.SIGNED_IN)
        events = (
            get_session()
            .scalars(select(AccountEvent).where(AccountEvent.kind.in_(signing_in)).order_by(AccountEvent.id))
            .all()
        )
        holder = get_session().scalar(select(User).where(User.email == world.holder_a.email))
        assert holder is not None
        assert [(e.kind, e.user_id, e.org_id) for e in events] == [
            (AccountEventKind.SIGN_IN_FAILED, holder.id, holder.org_id),
            (AccountEventKind.SIGN_IN_FAILED, None, None),
            (AccountEventKind.SIGNED_IN, holder.id, holder.org_id),
        ]
        assert events[1].detail == {"email": "nobody@brand.example"} and events[0].address == "127.0.0.1"


FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
SAFARI = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15"
)


def test_a_user_sees_their_browsers_and_signs_one_out(app: Flask) -> None:
    world = make_world(app)
    office, laptop = app.test_client(), app.test_client()
    office.environ_base["HTTP_USER_AGENT"] = FIREFOX
    laptop.environ_base["HTTP_USER_AGENT"] = SAFARI
    sign_in(office, world.holder_a.email)
    sign_in(laptop, world.holder_a.email)
    page = office.get("/account/sessions").get_data(as_text=True)
    assert "Firefox 133 · Windows" in page and "Safari 18 · Mac OS X" in page and page.count("this browser") == 1
    holder = Api(app.test_client(), world.holder_a.token)
    listed = holder("GET", "/me/sessions").json["items"]
    assert [s["browser"] for s in listed] == ["Safari 18 · Mac OS X", "Firefox 133 · Windows"]
    laptop_id = listed[0]["id"]
    ended = office.post(f"/account/sessions/{laptop_id}/end", data={"csrf_token": csrf(office, "/account/sessions")})
    assert ended.status_code == 302 and laptop.get("/complaints").status_code == 302
    assert Api(app.test_client(), world.holder_b.token)("DELETE", f"/me/sessions/{listed[1]['id']}").status_code == 404
    assert holder("DELETE", f"/me/sessions/{listed[1]['id']}").status_code == 204
    assert office.get("/complaints").status_code == 302
    assert holder("DELETE", f"/me/sessions/{listed[1]['id']}").status_code == 404
    kinds = [e["kind"] for e in holder("GET", "/me/log").json["items"]]
    assert kinds[:2] == ["session_ended", "session_ended"]


def test_administrators_read_their_organisations_log_and_admins_all_of_it(app: Flask) -> None:
    world = make_world(app)
    with app.app_context():
        member = make_user(Role.HOLDER, "member@brand.example", world.holder_a.org_id)
    for email, password in ((member.email, "wrong password!"), (world.holder_b.email, "wrong password!")):
        sign_in(app.test_client(), email, password)
    sign_in(app.test_client(), "nobody@brand.example", "wrong password!")
    client = app.test_client()
    org_log = Api(client, world.holder_a.token)("GET", "/organisation/log").json["items"]
    assert [e["account"] for e in org_log if e["kind"] == "sign_in_failed"] == [member.email]
    assert {e["account"] for e in org_log} == {world.holder_a.email, member.email}  # their tokens were made too
    assert Api(client, member.token)("GET", "/organisation/log").status_code == 403
    failed, url = [], "/api/v1/admin/log?limit=2"
    while url:  # page by page, newest first
        page = client.get(url, headers={"Authorization": f"Bearer {world.admin.token}"}).json
        failed += [e["account"] for e in page["items"] if e["kind"] == "sign_in_failed"]
        url = page["next"]
    assert failed == ["nobody@brand.example", world.holder_b.email, member.email]
    assert Api(client, world.prosecutor.token)("GET", "/admin/log").status_code == 403
    page = app.test_client()
    sign_in(page, world.holder_a.email)
    shown = page.get("/org/log").get_data(as_text=True)
    assert "sign-in failed" in shown and member.email in shown and world.holder_b.email not in shown
    assert page.get("/admin/log").status_code == 403
