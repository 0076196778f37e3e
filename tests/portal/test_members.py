"""An organisation's members and the staff: invitations by e-mail, roles, removal that locks out at once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select, update

from portal.db import get_session
from portal.models import AccountEvent, AccountEventKind, Invitation, Role, utcnow
from tests.factories import Api, World, deliver, link_in, make_user, make_world, names_field
from tests.portal.test_pages import csrf, sign_in
from tests.receivers import SMTPServer

NEW_PASSWORD = "a passphrase of my own"


@pytest.fixture
def mailed(make_app: Callable[..., Flask], mailbox: SMTPServer) -> tuple[Flask, SMTPServer, World]:
    app = make_app(**mailbox.env())
    return app, mailbox, make_world(app)


def invitation_link(mailbox: SMTPServer, address: str) -> str:
    [mail] = [m for m in mailbox.messages if m["To"] == address]
    mailbox.messages.remove(mail)
    return link_in(mail, "/invitations/")  # type: ignore[arg-type]


def test_an_invitation_is_accepted_once(mailed: tuple[Flask, SMTPServer, World]) -> None:
    app, mailbox, world = mailed
    client = app.test_client()
    admin = Api(client, world.holder_a.token)
    assert names_field(
        admin("POST", "/organisation/invitations", json={"email": "x@y.example", "role": "boss"}), "role"
    )
    taken = admin("POST", "/organisation/invitations", json={"email": world.holder_b.email})
    assert taken.status_code == 409 and names_field(taken, "email")
    sent = admin("POST", "/organisation/invitations", json={"email": "Colleague@Brand.example", "role": "member"})
    assert sent.status_code == 201 and sent.json["email"] == "colleague@brand.example"
    assert [i["id"] for i in admin("GET", "/organisation/invitations").json["items"]] == [sent.json["id"]]
    deliver(app)
    [mail] = [m for m in mailbox.messages if m["To"] == "colleague@brand.example"]
    assert mail["Subject"] == "Maison Exemple invites you to the IP Evidence Portal"
    token = invitation_link(mailbox, "colleague@brand.example")
    page = client.get(f"/invitations/{token}").get_data(as_text=True)
    assert "Maison Exemple" in page and "colleague@brand.example" in page

    weak = client.post("/api/v1/invitations/accept", json={"token": token, "password": "colleague-brand-2026"})
    assert weak.status_code == 422 and names_field(weak, "password")  # and the link still works
    accepted = client.post(
        "/api/v1/invitations/accept", json={"token": token, "name": "Li Na", "password": NEW_PASSWORD}
    )
    assert accepted.status_code == 200
    assert accepted.json["organisation_role"] == "member" and accepted.json["email_verified"] is True
    assert accepted.json["organisation"]["id"] == world.holder_a.org_id and accepted.json["name"] == "Li Na"
    assert sign_in(app.test_client(), "colleague@brand.example", NEW_PASSWORD) == 302
    again = client.post("/api/v1/invitations/accept", json={"token": token, "password": NEW_PASSWORD})
    assert again.status_code == 422 and "already accepted" in again.json["detail"]
    assert client.get(f"/invitations/{token}").status_code == 410
    assert admin("GET", "/organisation/invitations").json["items"] == []
    assert {m["email"] for m in admin("GET", "/organisation/members").json["items"]} == {
        world.holder_a.email,
        "colleague@brand.example",
    }
    with app.app_context():
        kinds = get_session().scalars(
            select(AccountEvent.kind).where(AccountEvent.org_id == world.holder_a.org_id).order_by(AccountEvent.id)
        )
        assert [AccountEventKind.MEMBER_INVITED, AccountEventKind.INVITATION_ACCEPTED] == [
            k for k in kinds if k in (AccountEventKind.MEMBER_INVITED, AccountEventKind.INVITATION_ACCEPTED)
        ]


def test_an_invitation_expires_and_can_be_withdrawn(mailed: tuple[Flask, SMTPServer, World]) -> None:
    app, mailbox, world = mailed
    client = app.test_client()
    admin = Api(client, world.holder_a.token)
    admin("POST", "/organisation/invitations", json={"email": "late@brand.example"})
    withdrawn = admin("POST", "/organisation/invitations", json={"email": "never@brand.example"}).json
    assert admin("DELETE", f"/organisation/invitations/{withdrawn['id']}").status_code == 204
    round_ = deliver(app)
    assert (round_.sent, round_.failed) == (1, 1)  # a withdrawn invitation is not sent
    token = invitation_link(mailbox, "late@brand.example")
    with app.app_context():
        db = get_session()
        db.execute(update(Invitation).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.commit()
    late = client.post("/api/v1/invitations/accept", json={"token": token, "password": NEW_PASSWORD})
    assert late.status_code == 422 and names_field(late, "token")
    assert client.get(f"/invitations/{token}").status_code == 410
    # Inviting the same address again replaces the earlier invitation, which stops working.
    first = admin("POST", "/organisation/invitations", json={"email": "twice@brand.example"}).json
    deliver(app)
    old = invitation_link(mailbox, "twice@brand.example")
    admin("POST", "/organisation/invitations", json={"email": "twice@brand.example", "role": "viewer"})
    deliver(app)
    new = invitation_link(mailbox, "twice@brand.example")
    assert client.get(f"/invitations/{old}").status_code == 410
    assert admin("DELETE", f"/organisation/invitations/{first['id']}").status_code == 204  # already withdrawn
    joined = client.post("/api/v1/invitations/accept", json={"token": new, "password": NEW_PASSWORD}).json
    assert joined["organisation_role"] == "viewer"


def test_roles_change_viewers_only_read_and_an_organisation_keeps_an_administrator(app: Flask) -> None:
    world = make_world(app)
    with app.app_context():
        member = make_user(Role.HOLDER, "member@brand.example", world.holder_a.org_id)
    client = app.test_client()
    admin, colleague = Api(client, world.holder_a.token), Api(client, member.token)
    assert colleague("PATCH", f"/organisation/members/{world.holder_a.id}", json={"role": "viewer"}).status_code == 403
    assert (
        Api(client, world.holder_b.token)(
            "PATCH", f"/organisation/members/{member.id}", json={"role": "viewer"}
        ).status_code
        == 404
    )
    assert admin("PATCH", f"/organisation/members/{member.id}", json={"role": "viewer"}).json["role"] == "viewer"
    # The member's token had "file"; as a viewer it is cut down to reading, at once.
    refused = colleague("POST", "/complaints", json={"title": "Filed by a viewer"})
    assert refused.status_code == 403 and refused.json["code"] == "insufficient_scope"
    assert colleague("GET", "/complaints").status_code == 200
    browser = app.test_client()
    sign_in(browser, member.email)
    page = browser.post("/complaints/new", data={"csrf_token": csrf(browser, "/complaints"), "title": "x"})
    assert page.status_code == 403 and "viewer" in page.get_data(as_text=True)
    assert admin("PATCH", f"/organisation/members/{member.id}", json={"role": "member"}).status_code == 200
    assert colleague("POST", "/complaints", json={"title": "Filed by a member"}).status_code == 201

    for change in (("PATCH", {"json": {"role": "member"}}), ("DELETE", {})):
        alone = admin(change[0], f"/organisation/members/{world.holder_a.id}", **change[1])
        assert alone.status_code == 409 and "at least one administrator" in alone.json["detail"]
    admin("PATCH", f"/organisation/members/{member.id}", json={"role": "admin"})
    assert admin("PATCH", f"/organisation/members/{world.holder_a.id}", json={"role": "member"}).status_code == 200


def test_a_removed_member_is_locked_out_at_once(app: Flask) -> None:
    world = make_world(app)
    with app.app_context():
        member = make_user(Role.HOLDER, "member@brand.example", world.holder_a.org_id)
    browser, admin_page = app.test_client(), app.test_client()
    sign_in(browser, member.email)
    assert browser.get("/complaints").status_code == 200
    sign_in(admin_page, world.holder_a.email)
    listing = admin_page.get("/org/members").get_data(as_text=True)
    assert member.email in listing and "Invite a colleague" in listing
    removed = admin_page.post(f"/org/members/{member.id}/remove", data={"csrf_token": csrf(admin_page, "/org/members")})
    assert removed.status_code == 302
    assert browser.get("/complaints").status_code == 302  # the session is gone
    assert Api(app.test_client(), member.token)("GET", "/me").status_code == 401
    assert sign_in(app.test_client(), member.email) == 422
    assert f"<td>{member.email}" not in admin_page.get("/org/members").get_data(as_text=True)
    with app.app_context():
        event = get_session().scalar(select(AccountEvent).where(AccountEvent.kind == AccountEventKind.MEMBER_REMOVED))
        assert event is not None and event.user_id == member.id and event.actor_id == world.holder_a.id
    colleague = app.test_client()
    sign_in(colleague, world.holder_b.email)
    assert "Invite a colleague" in colleague.get("/org/members").get_data(as_text=True)  # B's own admin page
    assert world.holder_a.email not in colleague.get("/org/members").get_data(as_text=True)


def test_staff_join_by_invitation(mailed: tuple[Flask, SMTPServer, World]) -> None:
    app, mailbox, world = mailed
    page = app.test_client()
    sign_in(page, world.admin.email)
    token = csrf(page, "/admin/users")
    taken = page.post("/admin/users", data={"csrf_token": token, "email": world.prosecutor.email, "role": "prosecutor"})
    assert taken.status_code == 422 and "Already registered." in taken.get_data(as_text=True)
    sent = page.post("/admin/users", data={"csrf_token": token, "email": "wang@proc.example", "role": "supervisor"})
    assert sent.status_code == 302 and "wang@proc.example" in page.get("/admin/users").get_data(as_text=True)
    assert (
        Api(app.test_client(), world.holder_a.token)(
            "POST", "/admin/invitations", json={"email": "x@proc.example", "role": "admin"}
        ).status_code
        == 403
    )
    deliver(app)
    link = invitation_link(mailbox, "wang@proc.example")
    visitor = app.test_client()
    form = visitor.get(f"/invitations/{link}").get_data(as_text=True)
    assert "staff" in form and "Supervisor" in form
    done = visitor.post(
        f"/invitations/{link}",
        data={"csrf_token": csrf(visitor, f"/invitations/{link}"), "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert done.status_code == 302
    assert sign_in(app.test_client(), "wang@proc.example", NEW_PASSWORD) == 302
    staff = Api(app.test_client(), world.admin.token)("GET", "/admin/users").json["items"]
    assert ("wang@proc.example", "supervisor") in {(u["email"], u["role"]) for u in staff}
