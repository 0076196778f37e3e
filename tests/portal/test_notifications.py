"""Notifications: the inbox, e-mail through a real SMTP server, and the outbox the worker sends."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from evidence.keys import KeyDirectory
from portal.db import get_session
from portal.models import Base, DeliveryStatus, Notification, OutboxMessage, User, utcnow
from portal.services import deliveries, notifications
from portal.settings import Settings
from tests.conftest import SECRET, build_app
from tests.factories import Api, deliver, make_world
from tests.gunicorn import BIN, ROOT
from tests.portal.test_pages import csrf, sign_in
from tests.receivers import SMTPServer


def request_information(app: Flask, prosecutor: Api, complaint_id: int) -> None:
    response = prosecutor(
        "POST",
        f"/complaints/{complaint_id}/decision",
        json={"action": "request_information", "message": "Send the test purchase receipt.", "due": "2099-01-10"},
    )
    assert response.status_code == 200, response.json


def set_language(app: Flask, email: str, language: str) -> None:
    with app.app_context():
        db = get_session()
        user = db.scalar(select(User).where(User.email == email))
        assert user is not None
        user.language, user.timezone = language, "Asia/Shanghai"
        db.commit()


def test_decision_reaches_the_holder_in_portal_and_by_email_in_their_language(
    make_app: Callable[..., Flask], mailbox: SMTPServer
) -> None:
    app = make_app(**mailbox.env())
    world = make_world(app)
    client = app.test_client()
    holder, other, prosecutor = (Api(client, a.token) for a in (world.holder_a, world.holder_b, world.prosecutor))
    complaint_id, _ = holder.submitted(world.right_a)
    set_language(app, world.holder_a.email, "zh")
    request_information(app, prosecutor, complaint_id)

    listing = holder("GET", "/notifications").json
    assert listing["unread"] == 1
    [note] = listing["items"]
    assert note["kind"] == "complaint.decided" and note["complaint_id"] == complaint_id
    assert "补充" in note["title"] and "Send the test purchase receipt." in note["lines"]
    assert other("GET", "/notifications").json == {"items": [], "unread": 0, "before": None, "next": None}

    assert mailbox.messages == []  # nothing is sent inside the request
    assert deliver(app).sent == 1
    [mail] = mailbox.messages
    assert mail["To"] == world.holder_a.email and "补充" in mail["Subject"]
    text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Send the test purchase receipt." in text and "2099年1月10日" in text
    assert f"http://localhost:8000/complaints/{complaint_id}" in text
    html = mail.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert 'lang="zh-Hans"' in html
    assert deliver(app).total == 0  # sent once

    browser = app.test_client()
    sign_in(browser, world.holder_a.email)
    page = browser.get("/notifications/").get_data(as_text=True)
    assert "Send the test purchase receipt." in page and 'class="count"' in page
    opened = browser.get(f"/notifications/{note['id']}")
    assert opened.status_code == 302 and opened.headers["Location"].endswith(f"/complaints/{complaint_id}")
    assert holder("GET", "/notifications").json["unread"] == 0


def test_email_choices_are_respected_and_validated(make_app: Callable[..., Flask], mailbox: SMTPServer) -> None:
    app = make_app(**mailbox.env())
    world = make_world(app)
    client = app.test_client()
    holder, prosecutor = Api(client, world.holder_a.token), Api(client, world.prosecutor.token)
    every = {kind.value for kind in notifications.HOLDER_KINDS}
    assert holder("GET", "/me/email-notifications").json == {"email": dict.fromkeys(every, True)}
    bad = holder("PUT", "/me/email-notifications", json={"email": ["complaint.decided", "nonsense"]})
    assert bad.status_code == 422 and "email.1" in bad.json["fields"]
    assert holder("PUT", "/me/email-notifications", json={"email": "all"}).status_code == 422
    ok = holder("PUT", "/me/email-notifications", json={"email": ["case.stage_changed"]})
    assert ok.json == {"email": {kind: kind == "case.stage_changed" for kind in every}}

    complaint_id, _ = holder.submitted(world.right_a)
    request_information(app, prosecutor, complaint_id)
    assert holder("GET", "/notifications").json["unread"] == 1  # still in the portal
    assert deliver(app).total == 0 and mailbox.messages == []

    # The same choice through the account page.
    browser = app.test_client()
    sign_in(browser, world.holder_a.email)
    token = csrf(browser, "/account")
    saved = browser.post(
        "/account", data={"mail-csrf_token": token, "mail-email": ["complaint.decided"]}, follow_redirects=True
    )
    assert "E-mail choices saved." in saved.get_data(as_text=True)
    assert holder("GET", "/me/email-notifications").json["email"] == {
        kind: kind == "complaint.decided" for kind in every
    }


def test_stage_change_notifies_every_participant_organisation_only(
    make_app: Callable[..., Flask], mailbox: SMTPServer
) -> None:
    app = make_app(**mailbox.env())
    world = make_world(app)
    client = app.test_client()
    holder, other, prosecutor = (Api(client, a.token) for a in (world.holder_a, world.holder_b, world.prosecutor))
    complaint_id, _ = holder.submitted(world.right_a)
    accepted = prosecutor(
        "POST",
        f"/complaints/{complaint_id}/decision",
        json={
            "action": "accept",
            "case": {"case_number": "沪检知刑诉〔2026〕9号", "procuratorate": "P", "charges": "C"},
        },
    )
    case_id = accepted.json["case_id"]
    staged = prosecutor(
        "POST",
        f"/cases/{case_id}/stages",
        json={"stage": "prosecuted", "date": "2026-11-20", "note": "Indictment filed.", "shared": True},
    )
    assert staged.status_code == 201
    kinds = [n["kind"] for n in holder("GET", "/notifications").json["items"]]
    assert kinds == ["case.stage_changed", "complaint.decided"]
    assert other("GET", "/notifications").json["items"] == []
    assert deliver(app).sent == 2
    subjects = sorted(m["Subject"] for m in mailbox.messages)
    assert subjects[0].startswith("Case 沪检知刑诉〔2026〕9号: Decision: prosecution")
    body = next(m for m in mailbox.messages if m["Subject"] == subjects[0]).get_body(("plain",))
    assert "Indictment filed." in body.get_content()  # type: ignore[union-attr]


def test_embedded_default_writes_mail_to_the_instance_folder(tmp_path: Path) -> None:
    env = {"INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": SECRET}
    KeyDirectory(Settings.from_env(env).signing_key_dir).ensure()
    app = build_app(env)
    Base.metadata.create_all(app.extensions["db_engine"])
    world = make_world(app)
    client = app.test_client()
    holder, prosecutor = Api(client, world.holder_a.token), Api(client, world.prosecutor.token)
    complaint_id, _ = holder.submitted(world.right_a)
    request_information(app, prosecutor, complaint_id)
    assert deliver(app).sent == 1
    [mail] = (app.config["SETTINGS"].instance_path / "mail").glob("*.eml")
    assert b"Send the test purchase receipt." in mail.read_bytes()
    assert not list((app.config["SETTINGS"].instance_path / "mail").glob(".*"))  # no partial files left


def test_refused_recipient_fails_for_good_and_unreachable_server_is_retried(
    make_app: Callable[..., Flask], mailbox: SMTPServer
) -> None:
    app = make_app(**mailbox.env())
    world = make_world(app)
    client = app.test_client()
    holder, prosecutor = Api(client, world.holder_a.token), Api(client, world.prosecutor.token)
    with app.app_context():
        db = get_session()
        user = db.scalar(select(User).where(User.email == world.holder_a.email))
        assert user is not None
        user.email = "gone@bounce.example"
        db.commit()
    complaint_id, _ = holder.submitted(world.right_a)
    request_information(app, prosecutor, complaint_id)
    assert deliver(app).failed == 1
    with app.app_context():
        message = get_session().scalars(select(OutboxMessage)).one()
        assert message.status is DeliveryStatus.FAILED and "550" in message.last_error

    down = make_app(**{**mailbox.env(), "SMTP_PORT": "1"})  # nothing listens there
    with down.app_context():
        db = get_session()
        db.add(OutboxMessage(channel=message.channel, kind=message.kind, notification_id=message.notification_id))
        db.commit()
    tally = deliver(down)
    assert tally.retrying == 1
    with down.app_context():
        retry = get_session().scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
        assert retry is not None and retry.status is DeliveryStatus.PENDING and retry.attempts == 1
        assert "Cannot reach the mail server" in retry.last_error
        assert retry.next_attempt_at > utcnow() + timedelta(seconds=20)
    assert deliver(down).total == 0  # not due yet
    assert deliver(down, later=timedelta(minutes=1)).retrying == 1


# The embedded stack alone: how the worker stops does not depend on where it stores things.
@pytest.mark.parametrize("stack_env", ["sqlite-dir"], indirect=True)
@pytest.mark.parametrize("signal_name", ["SIGTERM", "SIGINT"])
def test_a_worker_told_to_stop_mid_send_sends_that_mail_once_then_stops(
    make_app: Callable[..., Flask], stack_env: dict[str, str], mailbox: SMTPServer, signal_name: str
) -> None:
    app = make_app(**mailbox.env())
    world = make_world(app)
    client = app.test_client()
    holder, prosecutor = Api(client, world.holder_a.token), Api(client, world.prosecutor.token)
    complaint_id, _ = holder.submitted(world.right_a)
    request_information(app, prosecutor, complaint_id)
    mailbox.handler.released.clear()
    env = {**os.environ, **stack_env, **mailbox.env()}
    worker = subprocess.Popen(
        [str(BIN / "portal"), "worker", "--poll", "0.5"], env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert mailbox.handler.receiving.wait(60), "the worker never sent the mail"
        worker.send_signal(getattr(signal, signal_name))
        mailbox.handler.released.set()
        printed, _ = worker.communicate(timeout=60)
    finally:
        worker.kill()
    assert worker.returncode == 0, printed
    assert "deliveries: 1 sent, 0 to retry later, 0 failed" in printed
    assert printed.rstrip().endswith(f"stopped on {signal_name}, between rounds")
    assert len(mailbox.messages) == 1
    with app.app_context():
        message = get_session().scalars(select(OutboxMessage)).one()
        assert message.status is DeliveryStatus.SENT and message.lease_owner is None


def test_backoff_doubles_up_to_four_hours() -> None:
    waits = [deliveries.backoff(n) for n in range(1, deliveries.MAX_ATTEMPTS + 1)]
    assert waits[:3] == [timedelta(seconds=30), timedelta(minutes=1), timedelta(minutes=2)]
    assert max(waits) == timedelta(hours=4)
    assert timedelta(hours=8) < sum(waits[:-1], timedelta()) < timedelta(hours=9)


def test_notifications_are_private_to_their_user(app: Flask) -> None:
    world = make_world(app)
    client = app.test_client()
    holder, other, prosecutor = (Api(client, a.token) for a in (world.holder_a, world.holder_b, world.prosecutor))
    complaint_id, _ = holder.submitted(world.right_a)
    request_information(app, prosecutor, complaint_id)
    note_id = holder("GET", "/notifications").json["items"][0]["id"]
    for api in (other, prosecutor):
        missing = api("POST", f"/notifications/{note_id}/read")
        assert missing.status_code == 404 and missing.json["code"] == "not_found"
    browser = app.test_client()
    sign_in(browser, world.holder_b.email)
    assert browser.get(f"/notifications/{note_id}").status_code == 404
    assert other("POST", "/notifications/read-all").json == {"marked": 0}
    assert holder("GET", "/notifications").json["unread"] == 1
    assert holder("GET", "/notifications?before=x").status_code == 422
    assert holder("GET", "/notifications?limit=0").status_code == 422
    with app.app_context():
        assert get_session().scalar(select(func.count()).select_from(Notification)) == 1
