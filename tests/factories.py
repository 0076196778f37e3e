"""Rows for tests, made through the services so they obey the same rules."""

from __future__ import annotations

import io
import re
import time
from dataclasses import dataclass, field
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pyotp
from flask import Flask, current_app
from flask.testing import FlaskClient
from PIL import Image
from werkzeug.test import TestResponse

from portal.db import get_session
from portal.models import Role, User, utcnow
from portal.senders import PortalSender
from portal.services import accounts, deliveries, tokens, two_factor

PASSWORD = "correct horse battery"


def png_bytes(size: tuple[int, int] = (64, 48), color: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, color)
    for x in range(0, size[0], 8):
        for y in range(size[1]):
            image.putpixel((x, y), (x % 256, y % 256, 90))
    image.save(out, "PNG")
    return out.getvalue()


PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@dataclass
class Actor:
    id: int
    email: str
    token: str
    org_id: int | None = None


@dataclass
class World:
    holder_a: Actor
    holder_b: Actor
    prosecutor: Actor
    supervisor: Actor
    admin: Actor
    right_a: int
    right_b: int
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class SecondFactor:
    """A user's authenticator app and recovery codes, as the tests hold them."""

    secret: str
    recovery: list[str]
    last_step: int

    def code(self) -> str:
        """A code the portal has not accepted yet: the app's for a step not used, else a recovery code."""
        now = int(time.time()) // two_factor.STEP
        step = max(now, self.last_step + 1)
        if step <= now + two_factor.DRIFT:
            self.last_step = step
            return pyotp.TOTP(self.secret).at(step * two_factor.STEP)
        return self.recovery.pop()


SECOND_FACTORS: dict[str, SecondFactor] = {}
"""By e-mail: staff made here sign in with a second factor, as the portal requires of them."""


def enrol(user: User) -> SecondFactor:
    """Set up an authenticator app for ``user``, through the service, as its page does."""
    secret = two_factor.new_totp_secret()
    key = two_factor.sealing_key(current_app.config["SECRET_KEY"])
    code = pyotp.TOTP(secret).now()
    recovery = two_factor.enable_totp(get_session(), user, key, secret, code).codes
    factor = SecondFactor(secret, recovery, user.totp_last_step or 0)
    SECOND_FACTORS[user.email] = factor
    return factor


def make_user(role: Role, email: str, org_id: int | None = None) -> Actor:
    """A user and a token with every scope their role allows; staff with an authenticator app."""
    db = get_session()
    user = accounts.create_user(db, email, PASSWORD, role, org_id)
    if role.is_staff:
        enrol(user)
    return Actor(user.id, email, tokens.create(db, user, "tests", tokens.allowed_scopes(user)).secret, org_id)


def make_world(app: Flask) -> World:
    from portal.models import RightType
    from portal.services import complaints

    with app.app_context():
        db = get_session()
        org_a = accounts.create_organisation(db, "Maison Exemple", "FR", domestic=False).id
        org_b = accounts.create_organisation(db, "上海样例有限公司", "CN", domestic=True).id
        world = World(
            holder_a=make_user(Role.HOLDER, "a@brand.example", org_a),
            holder_b=make_user(Role.HOLDER, "b@brand.example", org_b),
            prosecutor=make_user(Role.PROSECUTOR, "p@proc.example"),
            supervisor=make_user(Role.SUPERVISOR, "s@proc.example"),
            admin=make_user(Role.ADMIN, "admin@proc.example"),
            right_a=0,
            right_b=0,
        )
        for attr, email in (("right_a", "a@brand.example"), ("right_b", "b@brand.example")):
            from sqlalchemy import select

            from portal.models import User

            user = db.scalar(select(User).where(User.email == email))
            assert user is not None
            right = complaints.add_right(
                db, user, complaints.RightInput(RightType.TRADEMARK, f"TM-{attr}", "CNIPA", "Owner")
            )
            setattr(world, attr, right.id)
        return world


class Api:
    """A bearer-token JSON client."""

    def __init__(self, client: FlaskClient, token: str) -> None:
        self.client = client
        self.token = token

    def __call__(self, method: str, path: str, **kwargs: Any) -> TestResponse:
        headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        return self.client.open("/api/v1" + path, method=method, headers=headers, **kwargs)

    def upload(self, complaint_id: int, data: bytes, filename: str = "photo.png", **kwargs: Any) -> TestResponse:
        headers = {
            "Content-Disposition": kwargs.pop("disposition", f'attachment; filename="{filename}"'),
            "Content-Type": "application/octet-stream",
            **kwargs.pop("headers", {}),
        }
        return self("POST", f"/complaints/{complaint_id}/evidence", data=data, headers=headers, **kwargs)

    def draft(self, right_id: int, **fields: Any) -> dict[str, Any]:
        body = {
            "title": "Counterfeit handbags on an online shop",
            "facts": "The shop sells bags bearing our mark at a tenth of the price.",
            "right_ids": [right_id],
            "infringers": [{"name": "Fake Store Ltd", "shop_urls": ["https://shop.example/fake"], "platform": "Shop"}],
            "discovered_on": "2026-10-01",
            "illegal_volume": "125000.50",
            "units": 300,
            "currency": "EUR",
            **fields,
        }
        response = self("POST", "/complaints", json=body)
        assert response.status_code == 201, response.json
        return response.json  # type: ignore[return-value]

    def submitted(self, right_id: int, image: bytes | None = None) -> tuple[int, int]:
        """A submitted complaint with one evidence item: (complaint id, evidence id)."""
        complaint = self.draft(right_id)
        item = self.upload(complaint["id"], image or png_bytes())
        assert item.status_code == 201, item.json
        assert self("POST", f"/complaints/{complaint['id']}/submit").status_code == 200
        return complaint["id"], item.json["id"]  # type: ignore[index]


def content_of(response: TestResponse) -> bytes:
    """A download's bytes, streamed by the portal and checked as they went."""
    assert response.status_code == 200, response.status_code
    return bytes(response.data)


def names_field(response: TestResponse, field: str) -> bool:
    """Whether a 422 names ``field`` (a dotted path into the body, or one of its parts)."""
    return any(field == key or field in key.split(".") for key in response.json.get("fields", {}))


def deliver(app: Flask, later: timedelta = timedelta(0)) -> deliveries.Round:
    """One round of `portal worker`'s deliveries, as if ``later`` had passed."""
    with app.app_context():
        return deliveries.deliver_due(get_session(), PortalSender(app.config["SETTINGS"]), now=utcnow() + later)


def mails_to(app: Flask, address: str) -> list[EmailMessage]:
    """What the worker has sent to ``address`` so far, oldest first: from the embedded default's mail folder."""
    folder = app.config["SETTINGS"].instance_path / "mail"
    found = []
    for path in sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns) if folder.exists() else []:
        mail = message_from_bytes(path.read_bytes(), policy=policy.default)
        if mail["To"] == address:
            found.append(mail)
    return found  # type: ignore[return-value]


def link_in(mail: EmailMessage, path: str) -> str:
    """The last part of the link in ``mail`` that goes to ``path``: /password/reset/, /email/confirm/ ..."""
    text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    found = re.search(re.escape(path) + r"([A-Za-z0-9_-]+)", text)
    assert found, text
    return found.group(1)
