"""Webhooks against real HTTP receivers: signatures, retries, timeouts, the delivery log, concurrent workers."""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select
from standardwebhooks.webhooks import Webhook as Verifier
from standardwebhooks.webhooks import WebhookVerificationError

from portal.db import get_session
from portal.models import Channel, DeliveryStatus, EventKind, OutboxMessage
from portal.senders import PortalSender
from portal.services import deliveries
from tests.factories import Api, deliver, make_world
from tests.portal.test_notifications import request_information
from tests.portal.test_pages import csrf, sign_in
from tests.receivers import Receiver

Receivers = Callable[..., Receiver]
LOOPBACK = {"WEBHOOK_ALLOW_PRIVATE": "true", "WEBHOOK_TIMEOUT": "1"}


def register(api: Api, url: str) -> dict:
    response = api("POST", "/webhooks", json={"url": url})
    assert response.status_code == 201, response.json
    return response.json  # type: ignore[return-value]


def test_event_is_posted_signed_and_verifiable(make_app: Callable[..., Flask], receivers: Receivers) -> None:
    app = make_app(**LOOPBACK)
    world = make_world(app)
    client = app.test_client()
    holder, other, prosecutor = (Api(client, a.token) for a in (world.holder_a, world.holder_b, world.prosecutor))
    mine, theirs = receivers(), receivers()
    hook = register(holder, mine.url)
    assert hook["secret"].startswith("whsec_")
    register(other, theirs.url)
    complaint_id, _ = holder.submitted(world.right_a)
    request_information(app, prosecutor, complaint_id)

    assert mine.calls == []  # nothing leaves inside the request
    tally = deliver(app)
    assert tally.sent == 2  # the holder's e-mail (to the instance folder or SMTP) and the webhook call
    [call] = mine.calls
    assert theirs.calls == []  # another organisation's receiver hears nothing
    assert call.path == "/hooks/portal" and call.headers["Content-Type"] == "application/json"
    event = Verifier(hook["secret"]).verify(call.body, call.headers)
    assert event["type"] == "complaint.decided"
    assert event["data"]["complaint_id"] == complaint_id and event["data"]["status"] == "info_requested"
    assert event["data"]["url"].endswith(f"/complaints/{complaint_id}")
    with pytest.raises(WebhookVerificationError):
        Verifier(hook["secret"]).verify(call.body.replace(b"info_requested", b"accepted"), call.headers)

    [logged] = holder("GET", f"/webhooks/{hook['id']}/deliveries").json["items"]
    assert logged["id"] == call.headers["webhook-id"] and logged["status"] == "sent"
    assert logged["attempts"][0]["status_code"] == 204


def test_failing_receiver_is_retried_with_backoff_then_succeeds(
    make_app: Callable[..., Flask], receivers: Receivers
) -> None:
    app = make_app(**LOOPBACK)
    world = make_world(app)
    holder = Api(app.test_client(), world.holder_a.token)
    flaky = receivers(fail_first=2)
    hook = register(holder, flaky.url)
    assert holder("POST", f"/webhooks/{hook['id']}/test").status_code == 202

    assert deliver(app).retrying == 1
    assert deliver(app).total == 0  # waits 30 s before the second try
    assert deliver(app, later=timedelta(seconds=31)).retrying == 1
    assert deliver(app, later=timedelta(seconds=45)).total == 0  # then a minute
    assert deliver(app, later=timedelta(minutes=2)).sent == 1
    assert len(flaky.calls) == 3
    assert len({c.headers["webhook-id"] for c in flaky.calls}) == 1  # the same id each time, for de-duplication
    [logged] = holder("GET", f"/webhooks/{hook['id']}/deliveries").json["items"]
    assert [a["status_code"] for a in logged["attempts"]] == [503, 503, 204]
    assert logged["attempts"][0]["error"] == "The receiver answered HTTP 503."
    assert json.loads(flaky.calls[-1].body)["type"] == "webhook.test"


def test_silent_receiver_times_out_and_gives_up_after_the_last_attempt(
    make_app: Callable[..., Flask], receivers: Receivers
) -> None:
    app = make_app(**LOOPBACK)
    world = make_world(app)
    holder = Api(app.test_client(), world.holder_a.token)
    silent = receivers(silent=True)
    hook = register(holder, silent.url)
    holder("POST", f"/webhooks/{hook['id']}/test")
    assert deliver(app).retrying == 1
    [logged] = holder("GET", f"/webhooks/{hook['id']}/deliveries").json["items"]
    assert logged["attempts"][0]["error"] == "No answer within 1 s."
    assert logged["status"] == "pending" and logged["next_attempt_at"] is not None
    with app.app_context():
        db = get_session()
        message = db.scalars(select(OutboxMessage)).one()
        message.attempts = deliveries.MAX_ATTEMPTS - 1
        db.commit()
    assert deliver(app, later=timedelta(hours=5)).failed == 1
    assert holder("GET", f"/webhooks/{hook['id']}/deliveries").json["items"][0]["status"] == "failed"


def test_removed_webhook_gets_nothing_more(make_app: Callable[..., Flask], receivers: Receivers) -> None:
    app = make_app(**LOOPBACK)
    world = make_world(app)
    holder = Api(app.test_client(), world.holder_a.token)
    receiver = receivers()
    hook = register(holder, receiver.url)
    holder("POST", f"/webhooks/{hook['id']}/test")
    assert holder("DELETE", f"/webhooks/{hook['id']}").status_code == 204
    assert deliver(app).failed == 1
    assert receiver.calls == []
    assert holder("GET", "/webhooks").json == {"items": [], "next": None}
    assert holder("POST", f"/webhooks/{hook['id']}/test").status_code == 404


def test_registration_refuses_bad_urls_and_non_admins(make_app: Callable[..., Flask]) -> None:
    app = make_app()  # production default: no private addresses
    world = make_world(app)
    client = app.test_client()
    holder, prosecutor = Api(client, world.holder_a.token), Api(client, world.prosecutor.token)
    for url, message in [
        ("ftp://example.com/x", "http:// or https://"),
        ("https://", "http:// or https://"),
        ("https://user:pw@example.com/x", "credentials"),
        ("http://127.0.0.1:8080/x", "private or local"),
        ("http://10.0.0.5/x", "private or local"),
        ("https://[::1]/x", "private or local"),
        ("https://example.com/" + "x" * 500, "500 characters"),
    ]:
        response = holder("POST", "/webhooks", json={"url": url})
        assert response.status_code == 422 and message in response.json["detail"], url
    assert holder("POST", "/webhooks", json={"url": 5}).status_code == 422
    assert holder("POST", "/webhooks", data="x", headers={"Content-Type": "text/plain"}).status_code == 415
    refused = prosecutor("POST", "/webhooks", json={"url": "https://example.com/x"})
    assert refused.status_code == 403 and "administrator" in refused.json["detail"]
    for _ in range(5):
        register(holder, "https://example.com/hook")
    assert holder("POST", "/webhooks", json={"url": "https://example.com/6"}).status_code == 422


def test_private_address_behind_a_name_is_refused_at_delivery(
    make_app: Callable[..., Flask], receivers: Receivers
) -> None:
    app = make_app()
    world = make_world(app)
    holder = Api(app.test_client(), world.holder_a.token)
    receiver = receivers()
    hook = register(holder, f"http://localhost:{receiver.port}/hooks")  # a name, so allowed at registration
    holder("POST", f"/webhooks/{hook['id']}/test")
    assert deliver(app).failed == 1  # permanent: resolving it gives a loopback address
    assert receiver.calls == []
    [logged] = holder("GET", f"/webhooks/{hook['id']}/deliveries").json["items"]
    assert "private or local address" in logged["attempts"][0]["error"]


def test_other_members_and_organisations_cannot_touch_a_webhook(make_app: Callable[..., Flask]) -> None:
    app = make_app()
    world = make_world(app)
    client = app.test_client()
    holder, other = Api(client, world.holder_a.token), Api(client, world.holder_b.token)
    from tests.factories import make_user

    with app.app_context():
        from portal.models import Role

        member = make_user(Role.HOLDER, "member@brand.example", world.holder_a.org_id)
    colleague = Api(client, member.token)
    hook = register(holder, "https://example.com/hook")
    for method, path in [
        ("GET", f"/webhooks/{hook['id']}/deliveries"),
        ("POST", f"/webhooks/{hook['id']}/test"),
        ("POST", f"/webhooks/{hook['id']}/secret"),
        ("DELETE", f"/webhooks/{hook['id']}"),
    ]:
        assert other(method, path).status_code == 404, path
        assert colleague(method, path).status_code == 403, path
    assert colleague("GET", "/webhooks").status_code == 403
    rotated = holder("POST", f"/webhooks/{hook['id']}/secret").json
    assert rotated["secret"] != hook["secret"] and rotated["secret"].startswith("whsec_")

    browser = app.test_client()
    sign_in(browser, member.email)
    assert browser.get("/org/webhooks").status_code == 403
    assert "Webhooks" not in browser.get("/complaints").get_data(as_text=True)


def test_webhook_pages_register_show_secret_once_and_send_a_test(
    make_app: Callable[..., Flask], receivers: Receivers
) -> None:
    app = make_app(**LOOPBACK)
    world = make_world(app)
    receiver = receivers()
    browser = app.test_client()
    sign_in(browser, world.holder_a.email)
    token = csrf(browser, "/org/webhooks")
    bad = browser.post("/org/webhooks", data={"csrf_token": token, "url": "ftp://x"})
    assert bad.status_code == 422 and "http:// or https://" in bad.get_data(as_text=True)
    page = browser.post("/org/webhooks", data={"csrf_token": token, "url": receiver.url}).get_data(as_text=True)
    assert "shown only once" in page and "whsec_" in page
    assert "whsec_" not in browser.get("/org/webhooks").get_data(as_text=True)
    hook_id = Api(browser, world.holder_a.token)("GET", "/webhooks").json["items"][0]["id"]
    sent = browser.post(f"/org/webhooks/{hook_id}/test", data={"csrf_token": token}, follow_redirects=True)
    assert "A test event is on its way" in sent.get_data(as_text=True)
    deliver(app)
    log = browser.get(f"/org/webhooks/{hook_id}").get_data(as_text=True)
    assert "webhook.test" in log and "HTTP 204" in log


def test_concurrent_workers_send_each_message_exactly_once(
    make_app: Callable[..., Flask], receivers: Receivers
) -> None:
    app = make_app(**LOOPBACK)
    world = make_world(app)
    holder = Api(app.test_client(), world.holder_a.token)
    receiver = receivers()
    hook = register(holder, receiver.url)
    with app.app_context():
        db = get_session()
        for n in range(120):
            db.add(OutboxMessage(channel=Channel.WEBHOOK, kind=EventKind.TEST, webhook_id=hook["id"], body={"n": n}))
        db.commit()

    def work() -> None:
        with app.app_context():
            sender = PortalSender(app.config["SETTINGS"])
            while deliveries.deliver_due(get_session(), sender, limit=7).total:
                pass

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    counts = Counter(c.headers["webhook-id"] for c in receiver.calls)
    assert len(counts) == 120 and set(counts.values()) == {1}
    with app.app_context():
        statuses = set(get_session().scalars(select(OutboxMessage.status)))
        assert statuses == {DeliveryStatus.SENT}
