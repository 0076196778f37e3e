"""Every route, every audience: anonymous, another organisation, a rights holder on staff routes."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.db import get_session
from portal.models import LoginSession, OrgKind, Passkey, Role, User, utcnow
from portal.services import accounts, matching
from portal.storage import get_store
from tests.factories import PASSWORD, PDF_BYTES, SECOND_FACTORS, Api, World, enrol, make_user, make_world

PUBLIC = {
    "/login",
    "/register",
    "/password/forgot",
    "/password/reset/<token>",
    "/email/confirm/<token>",
    "/api/v1/password-reset",
    "/api/v1/password-reset/confirm",
    "/api/v1/email-confirmation",
    "/invitations/<token>",
    "/login/second-factor",
    "/login/passkey/options",
    "/login/passkey",
    "/api/v1/invitations/accept",
    "/language",
    "/health",
    "/static/<path:filename>",
    "/api/v1/openapi.json",
    "/api/v1/docs",
    "/api/v1/log/checkpoint",
    "/api/v1/log/proof/inclusion",
    "/api/v1/log/proof/consistency",
    "/transparency/",
    "/transparency/keys",
    "/transparency/trust.pem",
}

# (method, rule): who may use it. "owner" = the holder of organisation A whose objects fill the rule;
# "staff" = prosecutors and supervisors; "admin"; "deciders" = staff and admin; "any" = any signed-in user.
ROUTES = {
    ("GET", "/"): "any",
    ("GET", "/account"): "any",
    ("POST", "/logout"): "any",
    ("POST", "/account"): "any",
    ("GET", "/rights"): "holder",
    ("POST", "/rights"): "holder",
    ("GET", "/complaints"): "holder",
    ("GET", "/complaints/new"): "holder",
    ("POST", "/complaints/new"): "holder",
    ("GET", "/complaints/<int:complaint_id>"): "owner",
    ("GET", "/complaints/<int:complaint_id>/edit"): "owner",
    ("POST", "/complaints/<int:complaint_id>/edit"): "owner",
    ("POST", "/complaints/<int:complaint_id>/submit"): "owner",
    ("POST", "/complaints/<int:complaint_id>/withdraw"): "owner",
    ("POST", "/complaints/<int:complaint_id>/reply"): "owner",
    ("POST", "/complaints/<int:complaint_id>/evidence"): "owner",
    ("GET", "/evidence/<int:evidence_id>"): "owner+staff",
    ("GET", "/evidence/<int:evidence_id>/download"): "owner+staff",
    ("GET", "/evidence/<int:evidence_id>/thumbnail"): "owner+staff",
    ("POST", "/evidence/<int:evidence_id>/verify"): "owner+staff",
    ("GET", "/evidence/<int:evidence_id>/receipt"): "owner+staff",
    ("GET", "/evidence/<int:evidence_id>/receipt.zip"): "owner+staff",
    ("GET", "/review/"): "staff",
    ("GET", "/review/complaints/<int:complaint_id>"): "staff",
    ("POST", "/review/complaints/<int:complaint_id>/decision"): "staff",
    ("GET", "/review/organisations"): "deciders",
    ("POST", "/review/organisations/<int:org_id>"): "deciders",
    ("GET", "/cases/"): "any",
    ("GET", "/cases/suggest"): "staff",
    ("GET", "/cases/<int:case_id>"): "owner+staff",
    ("POST", "/cases/<int:case_id>/stages"): "staff",
    ("POST", "/cases/<int:case_id>/bundle"): "staff",
    ("GET", "/admin/users"): "admin",
    ("POST", "/admin/users"): "admin",
    ("GET", "/api/v1/me"): "any",
    ("PATCH", "/api/v1/me"): "any",
    ("POST", "/api/v1/me/email"): "any",
    ("POST", "/api/v1/me/email/confirmation"): "any",
    ("POST", "/account/email/confirmation"): "any",
    ("GET", "/account/tokens"): "any",
    ("POST", "/account/tokens"): "any",
    ("POST", "/account/tokens/<int:token_id>/revoke"): "self",
    ("GET", "/org/tokens"): "org_admin",
    ("POST", "/org/tokens/<int:token_id>/revoke"): "self",
    ("GET", "/api/v1/tokens"): "any",
    ("POST", "/api/v1/tokens"): "any",
    ("DELETE", "/api/v1/tokens/<int:token_id>"): "self",
    ("GET", "/api/v1/organisation/tokens"): "org_admin",
    ("GET", "/account/two-factor"): "any",
    ("POST", "/account/two-factor/totp"): "any",
    ("POST", "/account/two-factor/totp/remove"): "any",
    ("POST", "/account/two-factor/recovery-codes"): "any",
    ("POST", "/account/passkeys/options"): "any",
    ("POST", "/account/passkeys"): "any",
    ("POST", "/account/passkeys/<int:passkey_id>/remove"): "self",
    ("POST", "/org/two-factor"): "org_admin",
    ("PATCH", "/api/v1/organisation"): "org_admin",
    ("GET", "/account/sessions"): "any",
    ("POST", "/account/sessions/<int:session_id>/end"): "self",
    ("GET", "/account/log"): "any",
    ("GET", "/org/log"): "org_admin",
    ("GET", "/admin/log"): "admin",
    ("GET", "/api/v1/me/sessions"): "any",
    ("DELETE", "/api/v1/me/sessions/<int:session_id>"): "self",
    ("GET", "/api/v1/me/log"): "any",
    ("GET", "/api/v1/organisation/log"): "org_admin",
    ("GET", "/api/v1/admin/log"): "admin",
    ("GET", "/org/members"): "holder",
    ("POST", "/org/members"): "org_admin",
    ("POST", "/org/members/<int:user_id>/role"): "owner",
    ("POST", "/org/members/<int:user_id>/remove"): "owner",
    ("POST", "/org/invitations/<int:invitation_id>/withdraw"): "owner",
    ("POST", "/admin/invitations/<int:staff_invitation_id>/withdraw"): "admin",
    ("GET", "/api/v1/organisation/members"): "holder",
    ("PATCH", "/api/v1/organisation/members/<int:user_id>"): "owner",
    ("DELETE", "/api/v1/organisation/members/<int:user_id>"): "owner",
    ("GET", "/api/v1/organisation/invitations"): "org_admin",
    ("POST", "/api/v1/organisation/invitations"): "org_admin",
    ("DELETE", "/api/v1/organisation/invitations/<int:invitation_id>"): "owner",
    ("GET", "/api/v1/admin/invitations"): "admin",
    ("POST", "/api/v1/admin/invitations"): "admin",
    ("DELETE", "/api/v1/admin/invitations/<int:staff_invitation_id>"): "admin",
    ("POST", "/api/v1/complaints/<int:complaint_id>/withdraw"): "owner",
    ("GET", "/api/v1/evidence/<int:evidence_id>/thumbnail"): "owner+staff",
    ("GET", "/api/v1/evidence/<int:evidence_id>/previews/<int:number>"): "owner+staff",
    ("GET", "/api/v1/organisations/pending"): "deciders",
    ("GET", "/api/v1/admin/users"): "admin",
    ("POST", "/api/v1/organisations/<int:org_id>/decision"): "deciders",
    ("POST", "/rights/<int:right_id>/retire"): "owner",
    ("GET", "/api/v1/rights"): "any",
    ("POST", "/api/v1/rights"): "holder",
    ("GET", "/api/v1/rights/<int:right_id>"): "owner",
    ("PATCH", "/api/v1/rights/<int:right_id>"): "owner",
    ("POST", "/api/v1/rights/<int:right_id>/retire"): "owner",
    ("GET", "/api/v1/complaints"): "any",
    ("POST", "/api/v1/complaints"): "holder",
    ("GET", "/api/v1/complaints/<int:complaint_id>"): "owner+staff",
    ("PATCH", "/api/v1/complaints/<int:complaint_id>"): "owner",
    ("POST", "/api/v1/complaints/<int:complaint_id>/submit"): "owner",
    ("POST", "/api/v1/complaints/<int:complaint_id>/reply"): "owner",
    ("POST", "/api/v1/complaints/<int:complaint_id>/evidence"): "owner",
    ("POST", "/api/v1/uploads"): "uploaders",
    ("HEAD", "/api/v1/uploads/<token:upload_id>"): "self",
    ("PATCH", "/api/v1/uploads/<token:upload_id>"): "self",
    ("DELETE", "/api/v1/uploads/<token:upload_id>"): "self",
    ("POST", "/uploads/"): "uploaders",
    ("HEAD", "/uploads/<token:upload_id>"): "self",
    ("PATCH", "/uploads/<token:upload_id>"): "self",
    ("DELETE", "/uploads/<token:upload_id>"): "self",
    ("POST", "/api/v1/complaints/<int:complaint_id>/decision"): "staff",
    ("GET", "/api/v1/evidence/<int:evidence_id>"): "owner+staff",
    ("GET", "/api/v1/evidence/<int:evidence_id>/content"): "owner+staff",
    ("POST", "/api/v1/evidence/<int:evidence_id>/verify"): "owner+staff",
    ("GET", "/api/v1/evidence/<int:evidence_id>/custody"): "owner+staff",
    ("GET", "/api/v1/evidence/<int:evidence_id>/receipt"): "owner+staff",
    ("GET", "/api/v1/review/complaints"): "staff",
    ("GET", "/api/v1/cases"): "any",
    ("POST", "/api/v1/cases"): "staff",
    ("GET", "/api/v1/cases/<int:case_id>"): "owner+staff",
    ("POST", "/api/v1/cases/<int:case_id>/stages"): "staff",
    ("GET", "/api/v1/cases/<int:case_id>/bundle"): "staff",
    ("GET", "/notifications/"): "any",
    ("GET", "/notifications/<int:notification_id>"): "self",
    ("POST", "/notifications/read-all"): "any",
    ("GET", "/api/v1/notifications"): "any",
    ("POST", "/api/v1/notifications/<int:notification_id>/read"): "self",
    ("POST", "/api/v1/notifications/read-all"): "any",
    ("GET", "/api/v1/me/email-notifications"): "any",
    ("PUT", "/api/v1/me/email-notifications"): "any",
    ("GET", "/org/webhooks"): "org_admin",
    ("POST", "/org/webhooks"): "org_admin",
    ("GET", "/org/webhooks/<int:webhook_id>"): "owner",
    ("POST", "/org/webhooks/<int:webhook_id>/test"): "owner",
    ("POST", "/org/webhooks/<int:webhook_id>/rotate"): "owner",
    ("POST", "/org/webhooks/<int:webhook_id>/remove"): "owner",
    ("GET", "/api/v1/webhooks"): "org_admin",
    ("POST", "/api/v1/webhooks"): "org_admin",
    ("DELETE", "/api/v1/webhooks/<int:webhook_id>"): "owner",
    ("POST", "/api/v1/webhooks/<int:webhook_id>/secret"): "owner",
    ("POST", "/api/v1/webhooks/<int:webhook_id>/test"): "owner",
    ("GET", "/api/v1/webhooks/<int:webhook_id>/deliveries"): "owner",
    ("GET", "/cases/<int:case_id>/notices/new"): "staff",
    ("POST", "/cases/<int:case_id>/notices/new"): "staff",
    ("POST", "/cases/<int:case_id>/decisions"): "staff",
    ("POST", "/cases/<int:case_id>/requests"): "staff",
    ("POST", "/cases/<int:case_id>/hearings"): "staff",
    ("GET", "/cases/<int:case_id>/hearings/<int:hearing_id>/edit"): "staff",
    ("POST", "/cases/<int:case_id>/hearings/<int:hearing_id>/edit"): "staff",
    ("POST", "/cases/<int:case_id>/hearings/<int:hearing_id>/cancel"): "staff",
    ("POST", "/cases/<int:case_id>/documents"): "staff",
    ("POST", "/cases/<int:case_id>/documents/<int:document_id>/share"): "staff",
    ("POST", "/cases/<int:case_id>/documents/<int:document_id>/withdraw"): "staff",
    ("GET", "/cases/<int:case_id>/notices/<int:notice_id>"): "owner+staff",
    ("GET", "/cases/<int:case_id>/notices/<int:notice_id>/pdf"): "owner+staff",
    ("POST", "/cases/<int:case_id>/notices/<int:notice_id>/acknowledge"): "owner",
    ("GET", "/cases/<int:case_id>/documents/<int:document_id>"): "owner+staff",
    ("GET", "/cases/<int:case_id>/hearings/<int:hearing_id>.ics"): "owner+staff",
    ("GET", "/cases/<int:case_id>/submissions/<int:submission_id>"): "owner+staff",
    ("GET", "/cases/<int:case_id>/submit/<kind>"): "owner",
    ("POST", "/cases/<int:case_id>/submit/<kind>"): "owner",
    ("GET", "/api/v1/cases/<int:case_id>/proceedings"): "owner+staff",
    ("POST", "/api/v1/cases/<int:case_id>/notices"): "staff",
    ("GET", "/api/v1/cases/<int:case_id>/notices/<int:notice_id>"): "owner+staff",
    ("GET", "/api/v1/cases/<int:case_id>/notices/<int:notice_id>/pdf"): "owner+staff",
    ("POST", "/api/v1/cases/<int:case_id>/notices/<int:notice_id>/acknowledge"): "owner",
    ("POST", "/api/v1/cases/<int:case_id>/decisions"): "staff",
    ("POST", "/api/v1/cases/<int:case_id>/requests"): "staff",
    ("POST", "/api/v1/cases/<int:case_id>/hearings"): "staff",
    ("PUT", "/api/v1/cases/<int:case_id>/hearings/<int:hearing_id>"): "staff",
    ("POST", "/api/v1/cases/<int:case_id>/hearings/<int:hearing_id>/cancel"): "staff",
    ("GET", "/api/v1/cases/<int:case_id>/hearings/<int:hearing_id>/ics"): "owner+staff",
    ("POST", "/api/v1/cases/<int:case_id>/documents"): "staff",
    ("GET", "/api/v1/cases/<int:case_id>/documents/<int:document_id>/content"): "owner+staff",
    ("POST", "/api/v1/cases/<int:case_id>/documents/<int:document_id>/share"): "staff",
    ("POST", "/api/v1/cases/<int:case_id>/documents/<int:document_id>/withdraw"): "staff",
    ("POST", "/api/v1/cases/<int:case_id>/submissions"): "owner",
    ("GET", "/api/v1/cases/<int:case_id>/submissions/<int:submission_id>"): "owner+staff",
    ("GET", "/org/powers"): "holder",
    ("POST", "/org/powers"): "org_admin",
    ("POST", "/org/powers/<int:power_id>/revoke"): "owner",
    ("GET", "/api/v1/agents"): "any",
    ("GET", "/api/v1/powers-of-attorney"): "any",
    ("POST", "/api/v1/powers-of-attorney"): "org_admin",
    ("POST", "/api/v1/powers-of-attorney/<int:power_id>/revoke"): "owner",
    ("GET", "/supervisor/"): "supervisor",
    ("POST", "/review/complaints/<int:complaint_id>/assign"): "supervisor",
    ("POST", "/cases/<int:case_id>/assign"): "supervisor",
    ("POST", "/api/v1/complaints/<int:complaint_id>/assign"): "supervisor",
    ("POST", "/api/v1/cases/<int:case_id>/assign"): "supervisor",
    ("GET", "/api/v1/statistics"): "supervisor",
    ("GET", "/review/infringers"): "staff",
    ("GET", "/review/search"): "staff",
    ("GET", "/api/v1/review/search"): "staff",
    ("GET", "/api/v1/review/infringers"): "staff",
    ("GET", "/api/v1/complaints/<int:complaint_id>/shared-infringers"): "staff",
    ("GET", "/evidence/<int:evidence_id>/previews/<int:number>"): "owner+staff",
    ("GET", "/review/clusters"): "staff",
    ("POST", "/review/clusters/link"): "staff",
    ("GET", "/review/evidence/<int:evidence_id>"): "staff",
    ("GET", "/api/v1/complaints/<int:complaint_id>/related-evidence"): "staff",
    ("GET", "/api/v1/cases/<int:case_id>/related-evidence"): "staff",
    ("GET", "/api/v1/review/clusters"): "staff",
    ("POST", "/api/v1/review/clusters/link"): "staff",
    ("GET", "/api/v1/batches/template"): "holder",
    ("POST", "/api/v1/batches"): "holder",
    ("GET", "/api/v1/batches/<token:batch_id>"): "self",
    ("POST", "/api/v1/batches/<token:batch_id>/file"): "self",
    ("GET", "/api/v1/batches/<token:batch_id>/receipts"): "self",
    ("GET", "/batches/"): "holder",
    ("POST", "/batches/"): "holder",
    ("GET", "/batches/template.xlsx"): "holder",
    ("GET", "/batches/template.csv"): "holder",
    ("GET", "/batches/<token:batch_id>"): "self",
    ("POST", "/batches/<token:batch_id>/file"): "self",
    ("GET", "/batches/<token:batch_id>/receipts.csv"): "self",
    ("GET", "/admin/matching"): "admin",
    ("POST", "/admin/matching"): "admin",
    ("GET", "/api/v1/admin/match-threshold"): "admin",
    ("PUT", "/api/v1/admin/match-threshold"): "admin",
}
# Routes that remove their object get a fresh one each time they are called.
REMOVING = {
    ("POST", "/org/webhooks/<int:webhook_id>/remove"): "webhook_id",
    ("DELETE", "/api/v1/webhooks/<int:webhook_id>"): "webhook_id",
    ("POST", "/account/tokens/<int:token_id>/revoke"): "token_id",
    ("POST", "/org/tokens/<int:token_id>/revoke"): "token_id",
    ("DELETE", "/api/v1/tokens/<int:token_id>"): "token_id",
    ("POST", "/org/members/<int:user_id>/remove"): "user_id",
    ("DELETE", "/api/v1/organisation/members/<int:user_id>"): "user_id",
    ("POST", "/account/sessions/<int:session_id>/end"): "session_id",
    ("DELETE", "/api/v1/me/sessions/<int:session_id>"): "session_id",
    ("DELETE", "/api/v1/uploads/<token:upload_id>"): "upload_id",
    ("DELETE", "/uploads/<token:upload_id>"): "upload_id",
}


def test_every_route_is_in_the_table(app: Flask) -> None:
    seen = set()
    for rule in app.url_map.iter_rules():
        for method in rule.methods - {"HEAD", "OPTIONS"}:  # type: ignore[operator]
            if rule.rule in PUBLIC:
                continue
            seen.add((method, rule.rule))
    assert seen - set(ROUTES) == set()


def fill(rule: str, ids: dict[str, Any]) -> str:
    for name, value in ids.items():
        for converter in ("int:", "token:", ""):
            rule = rule.replace(f"<{converter}{name}>", str(value))
    return rule


@pytest.fixture
def setup(app: Flask, client: FlaskClient) -> tuple[World, dict[str, Any]]:
    """Organisation A with a submitted, accepted complaint in a case, a notification and webhooks;
    B and staff accounts."""
    world = make_world(app)
    holder = Api(client, world.holder_a.token)
    cid, eid = holder.submitted(world.right_a)
    accepted = Api(client, world.prosecutor.token)(
        "POST",
        f"/complaints/{cid}/decision",
        json={"action": "accept", "case": {"case_number": "A-1", "procuratorate": "P", "charges": "C"}},
    )
    hooks = [holder("POST", "/webhooks", json={"url": f"https://example.com/{n}"}).json["id"] for n in range(3)]
    with app.app_context():
        db = get_session()
        colleagues = [make_user(Role.HOLDER, f"colleague{n}@brand.example", world.holder_a.org_id).id for n in range(3)]
        holder_a = db.get_one(User, world.holder_a.id)
        for _ in range(3):  # other browsers of holder A's
            accounts.start_login_session(db, holder_a)
        browsers = list(db.scalars(select(LoginSession.id).where(LoginSession.user_id == holder_a.id)))
        # A passkey of holder A's, as registration stores one (the access to it is under test, not WebAuthn);
        # holder A then signs in with a second factor: the authenticator app the tests hold.
        enrol(holder_a)
        passkey = Passkey(user_id=holder_a.id, credential_id=b"key of A", public_key=b"COSE", name="A's key")
        db.add(passkey)
        db.commit()
    invitation = holder("POST", "/organisation/invitations", json={"email": "new@brand.example"}).json
    staff_invitation = Api(client, world.admin.token)(
        "POST", "/admin/invitations", json={"email": "new@proc.example", "role": "prosecutor"}
    ).json
    spare_tokens = [
        holder("POST", "/tokens", json={"name": f"spare {n}", "scopes": ["read"]}).json["id"] for n in range(4)
    ]
    prosecutor, case_id = Api(client, world.prosecutor.token), accepted.json["case_id"]
    notice = prosecutor("POST", f"/cases/{case_id}/notices", json={"org_id": world.holder_a.org_id}).json
    document = prosecutor(
        "POST",
        f"/cases/{case_id}/documents?kind=indictment&title=Indictment&org_ids={world.holder_a.org_id}",
        data=PDF_BYTES,
        headers={"Content-Disposition": 'attachment; filename="indictment.pdf"'},
    ).json
    starts = (utcnow() + timedelta(days=30)).isoformat()
    hearing = prosecutor(
        "POST", f"/cases/{case_id}/hearings", json={"starts_at": starts, "duration_minutes": 60, "court": "Court"}
    ).json
    submission = holder("POST", f"/cases/{case_id}/submissions", json={"kind": "opinion_case", "text": "Ours."}).json
    with app.app_context():
        firm = accounts.create_organisation(get_session(), "Law Firm", "CN", True, OrgKind.AGENT).id
    until = (utcnow() + timedelta(days=90)).date().isoformat()
    power = holder(
        "POST",
        f"/powers-of-attorney?agent_org_id={firm}&scopes=complaints&valid_from=2026-01-01&valid_until={until}",
        data=PDF_BYTES,
        headers={"Content-Disposition": 'attachment; filename="poa.pdf"'},
    ).json
    tus = {"Tus-Resumable": "1.0.0", "Upload-Length": str(len(PDF_BYTES)), "Upload-Metadata": "filename YS5wZGY="}
    uploads = [holder("POST", "/uploads", headers=tus).headers["Location"].rsplit("/", 1)[1] for _ in range(4)]
    batch = holder(
        "POST",
        "/batches",
        data={"sheet": (io.BytesIO(b"title,facts\r\nBags,Sold online\r\n"), "sweep.csv")},
        content_type="multipart/form-data",
    ).json
    with app.app_context():  # the worker makes the evidence's previews
        matching.process_pending(get_session(), get_store(), matching.FrameIndex())
    return world, {
        "number": 1,
        "complaint_id": cid,
        "evidence_id": eid,
        "case_id": accepted.json["case_id"],
        "org_id": world.holder_a.org_id or 0,
        "notification_id": holder("GET", "/notifications").json["items"][0]["id"],
        "webhook_id": hooks[0],
        "token_id": spare_tokens[0],
        "user_id": colleagues[0],
        "session_id": browsers[0],
        "upload_id": uploads[0],
        "batch_id": batch["id"],
        "passkey_id": passkey.id,
        "invitation_id": invitation["id"],
        "staff_invitation_id": staff_invitation["id"],
        "spares": {
            "webhook_id": hooks[1:],
            "token_id": spare_tokens[1:],
            "user_id": colleagues[1:],
            "session_id": browsers[1:],
            "upload_id": uploads[1:],
        },
        "notice_id": notice["id"],
        "document_id": document["id"],
        "hearing_id": hearing["id"],
        "submission_id": submission["id"],
        "kind": "opinion_case",
        "power_id": power["id"],
        "right_id": world.right_a,
    }


def sign_in(client: FlaskClient, email: str) -> None:
    answer = client.post("/login", data={"email": email, "password": PASSWORD})
    if answer.headers.get("Location", "").startswith("/login/second-factor"):
        client.post("/login/second-factor", data={"code": SECOND_FACTORS[email].code()})


ALLOWED = {
    "any": {"holder_a", "holder_b", "prosecutor", "supervisor", "admin"},
    "holder": {"holder_a", "holder_b"},
    "org_admin": {"holder_a", "holder_b"},  # each the first member, so the admin, of their organisation
    "owner": {"holder_a"},
    "self": {"holder_a"},
    "owner+staff": {"holder_a", "prosecutor", "supervisor"},
    "uploaders": {"holder_a", "holder_b", "prosecutor", "supervisor"},
    "staff": {"prosecutor", "supervisor"},
    "supervisor": {"supervisor"},
    "deciders": {"prosecutor", "supervisor", "admin"},
    "admin": {"admin"},
}


def test_access_matrix(app: Flask, setup: tuple[World, dict[str, Any]]) -> None:
    """One world for every audience, the owner's changes coming after those who may not make them and before
    the admin's, whose routes do not touch the owner's objects."""
    world, ids = setup
    spares = ids.pop("spares")
    app.config["WTF_CSRF_ENABLED"] = False  # access, not CSRF, is under test here
    for who in ("anonymous", "holder_b", "holder_a", "admin"):
        _check_routes(app, world, ids, spares, who)


def _check_routes(app: Flask, world: World, ids: dict[str, Any], spares: dict[str, list[Any]], who: str) -> None:
    client = app.test_client()
    token = None
    if who != "anonymous":
        actor = getattr(world, who)
        token = actor.token
        sign_in(client, actor.email)
    for (method, rule), audience in ROUTES.items():
        if rule == "/logout":
            continue
        if (method, rule) in REMOVING and who in ALLOWED[audience]:
            name = REMOVING[method, rule]
            path = fill(rule, {**ids, name: spares[name].pop()})
        else:
            path = fill(rule, ids)
        headers = {"Authorization": f"Bearer {token}"} if token and rule.startswith("/api/") else {}
        response = client.open(path, method=method, headers=headers)
        status = response.status_code
        if who == "anonymous":
            expected = {401} if rule.startswith("/api/") else {302}
            assert status in expected, (method, rule, status)
            if status == 302:
                assert "/login" in response.headers["Location"]
        elif who not in ALLOWED[audience]:
            assert status in {403, 404}, (who, method, rule, status)
        else:
            assert status not in {401, 403, 404}, (who, method, rule, status)
