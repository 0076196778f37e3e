"""Agents acting for rights holders under powers of attorney: scope, validity, revocation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from portal.db import get_session
from portal.models import EvidenceItem, OrgKind, PowerOfAttorney, Role
from portal.services import accounts
from portal.services.shanghai import today_in_china
from tests.factories import PDF_BYTES, Actor, Api, World, make_user, make_world, names_field, png_bytes
from tests.portal.test_pages import csrf, sign_in


@dataclass
class Agency:
    app: Flask
    world: World
    holder: Api
    other: Api
    agent: Api
    prosecutor: Api
    agent_actor: Actor
    agent_org: int


@pytest.fixture
def agency(make_app: Callable[..., Flask]) -> Agency:
    app = make_app()
    world = make_world(app)
    with app.app_context():
        firm = accounts.create_organisation(get_session(), "金杜律师事务所 King & Partners", "CN", True, OrgKind.AGENT)
        agent = make_user(Role.HOLDER, "counsel@firm.example", firm.id)
    client = app.test_client()
    return Agency(
        app,
        world,
        Api(client, world.holder_a.token),
        Api(client, world.holder_b.token),
        Api(client, agent.token),
        Api(client, world.prosecutor.token),
        agent,
        firm.id,
    )


def grant(api: Api, agent_org: int, scopes: tuple[str, ...] = ("complaints", "proceedings"), **extra: str) -> Any:
    today = today_in_china()
    query = {
        "agent_org_id": str(agent_org),
        "valid_from": today.isoformat(),
        "valid_until": (today + timedelta(days=365)).isoformat(),
        "notarised_by": "Maître Dupont, notaire à Paris",
        "notarised_on": (today - timedelta(days=10)).isoformat(),
        "legalisation": "Apostille No. 2026-PA-0042, Cour d'appel de Paris",
        **extra,
    }
    params = "&".join([f"{k}={v}" for k, v in query.items()] + [f"scopes={s}" for s in scopes])
    return api(
        "POST",
        f"/powers-of-attorney?{params}",
        data=PDF_BYTES + b"signed",
        headers={"Content-Disposition": 'attachment; filename="poa.pdf"', "Content-Type": "application/pdf"},
    )


def evidence_count(app: Flask) -> int:
    with app.app_context():
        return get_session().scalar(select(func.count()).select_from(EvidenceItem)) or 0


def draft_for(agent: Api, right_id: int, org_id: int) -> Any:
    return agent(
        "POST",
        "/complaints",
        json={
            "org_id": org_id,
            "title": "Counterfeit scarves",
            "facts": "Sold on a marketplace.",
            "right_ids": [right_id],
            "infringers": [{"name": "Shop", "shop_urls": ["https://shop.example/x"]}],
        },
    )


def test_agent_files_and_takes_part_for_its_principal(agency: Agency) -> None:
    a = agency
    assert a.agent("GET", "/complaints").json == {"items": [], "next": None}
    refused = draft_for(a.agent, a.world.right_a, a.world.holder_a.org_id or 0)
    assert refused.status_code == 404  # no power on file: the principal is not even acknowledged

    granted = grant(a.holder, a.agent_org)
    assert granted.status_code == 201, granted.json
    power = granted.json
    assert power["scopes"] == ["complaints", "proceedings"] and power["agent"]["kind"] == "agent"
    document = a.holder("GET", f"/evidence/{power['evidence_id']}").json
    assert document["kind"] == "power_of_attorney" and document["complaint_id"] is None
    assert a.agent("GET", f"/evidence/{power['evidence_id']}").status_code == 200
    assert a.other("GET", f"/evidence/{power['evidence_id']}").status_code == 404
    receipt = a.holder("GET", f"/evidence/{power['evidence_id']}/receipt", headers={"Accept": "application/json"})
    assert receipt.status_code == 200 and receipt.json["receipt"]["complaint"] is None
    assert "power.granted" in [n["kind"] for n in a.agent("GET", "/notifications").json["items"]]
    assert [p["id"] for p in a.agent("GET", "/powers-of-attorney").json["items"]] == [power["id"]]

    no_principal = a.agent("POST", "/complaints", json={"title": "x"})
    assert no_principal.status_code == 422 and no_principal.json["fields"] == {"org_id": "Choose a principal."}
    draft = draft_for(a.agent, a.world.right_a, a.world.holder_a.org_id or 0)
    assert draft.status_code == 201, draft.json
    complaint_id = draft.json["id"]
    assert a.agent.upload(complaint_id, png_bytes()).status_code == 201
    assert a.agent("POST", f"/complaints/{complaint_id}/submit").status_code == 200
    assert [c["id"] for c in a.holder("GET", "/complaints").json["items"]] == [complaint_id]
    foreign_right = draft_for(a.agent, a.world.right_b, a.world.holder_a.org_id or 0)
    assert foreign_right.status_code == 422

    accepted = a.prosecutor(
        "POST",
        f"/complaints/{complaint_id}/decision",
        json={"action": "accept", "case": {"case_number": "A-7", "procuratorate": "P", "charges": "C"}},
    )
    case_id = accepted.json["case_id"]
    assert "complaint.decided" in [n["kind"] for n in a.agent("GET", "/notifications").json["items"]]
    notice = a.prosecutor("POST", f"/cases/{case_id}/notices", json={"org_id": a.world.holder_a.org_id}).json
    assert "notice.served" in [n["kind"] for n in a.agent("GET", "/notifications").json["items"]]
    ack = a.agent("POST", f"/cases/{case_id}/notices/{notice['id']}/acknowledge")
    assert ack.status_code == 200
    loss = a.agent(
        "POST",
        f"/cases/{case_id}/submissions",
        json={"kind": "loss_statement", "loss": {"losses_claimed": "50000", "currency": "EUR"}},
    )
    assert loss.status_code == 201 and loss.json["org_id"] == a.world.holder_a.org_id
    assert len(a.holder("GET", f"/cases/{case_id}/proceedings").json["submissions"]) == 1


def test_scope_expiry_and_revocation_refuse_with_the_reason(agency: Agency) -> None:
    a = agency
    org_a = a.world.holder_a.org_id or 0
    power = grant(a.holder, a.agent_org, scopes=("complaints",)).json
    complaint_id = draft_for(a.agent, a.world.right_a, org_a).json["id"]
    a.agent.upload(complaint_id, png_bytes())
    a.agent("POST", f"/complaints/{complaint_id}/submit")
    case_id = a.prosecutor(
        "POST",
        f"/complaints/{complaint_id}/decision",
        json={"action": "accept", "case": {"case_number": "A-8", "procuratorate": "P", "charges": "C"}},
    ).json["case_id"]
    out_of_scope = a.agent("GET", f"/cases/{case_id}")
    assert out_of_scope.status_code == 403
    assert "does not cover taking part in cases" in out_of_scope.json["detail"]
    assert a.agent("GET", "/cases").json["items"] == []

    with a.app.app_context():
        db = get_session()
        record = db.get(PowerOfAttorney, power["id"])
        assert record is not None
        record.valid_until = date(2026, 1, 31)
        db.commit()
    expired = a.agent("GET", f"/complaints/{complaint_id}")
    assert expired.status_code == 403 and "expired on 2026-01-31" in expired.json["detail"]

    fresh = grant(a.holder, a.agent_org).json
    assert a.agent("GET", f"/complaints/{complaint_id}").status_code == 200
    assert a.agent("POST", f"/powers-of-attorney/{fresh['id']}/revoke").status_code == 403
    assert a.holder("POST", f"/powers-of-attorney/{fresh['id']}/revoke").status_code == 200
    assert a.holder("POST", f"/powers-of-attorney/{fresh['id']}/revoke").status_code == 409
    revoked = a.agent("GET", f"/complaints/{complaint_id}")
    assert revoked.status_code == 403 and "revoked your power of attorney" in revoked.json["detail"]
    assert "power.revoked" in [n["kind"] for n in a.agent("GET", "/notifications").json["items"]]
    assert a.other("GET", f"/complaints/{complaint_id}").status_code == 404  # no power, no reason given


def test_bad_grants_are_refused_and_store_nothing(agency: Agency) -> None:
    a = agency
    before = evidence_count(a.app)
    today = today_in_china()
    for extra, scopes, field in [
        ({"agent_org_id": str(a.world.holder_b.org_id)}, ("complaints",), "agent_org_id"),
        ({"agent_org_id": "999999"}, ("complaints",), "agent_org_id"),
        ({}, (), "scopes"),
        ({}, ("everything",), "scopes"),
        (
            {"valid_until": (today - timedelta(days=1)).isoformat(), "valid_from": "2026-01-01"},
            ("complaints",),
            "valid_until",
        ),
        ({"valid_until": "2026-01-01", "valid_from": "2026-02-01"}, ("complaints",), "valid_until"),
        ({"valid_from": "soon"}, ("complaints",), "valid_from"),
        ({"notarised_on": (today + timedelta(days=3)).isoformat()}, ("complaints",), "notarised_on"),
    ]:
        response = grant(a.holder, a.agent_org, scopes=scopes, **extra)
        assert response.status_code == 422 and names_field(response, field), (extra, response.json)
    assert grant(a.agent, a.agent_org).status_code == 403
    with a.app.app_context():
        member = make_user(Role.HOLDER, "member@brand.example", a.world.holder_a.org_id)
    assert grant(Api(a.holder.client, member.token), a.agent_org).status_code == 403
    no_file = a.holder("POST", f"/powers-of-attorney?agent_org_id={a.agent_org}&scopes=complaints")
    assert no_file.status_code == 422
    assert evidence_count(a.app) == before
    assert a.holder("GET", "/agents").json["items"][0]["id"] == a.agent_org


def test_agent_of_two_participants_names_the_one_it_acts_for(agency: Agency) -> None:
    a = agency
    org_a, org_b = a.world.holder_a.org_id or 0, a.world.holder_b.org_id or 0
    grant(a.holder, a.agent_org)
    grant(a.other, a.agent_org)
    ids = []
    for org, right in ((org_a, a.world.right_a), (org_b, a.world.right_b)):
        complaint_id = draft_for(a.agent, right, org).json["id"]
        a.agent.upload(complaint_id, png_bytes())
        a.agent("POST", f"/complaints/{complaint_id}/submit")
        ids.append(complaint_id)
    case_id = a.prosecutor(
        "POST",
        f"/complaints/{ids[0]}/decision",
        json={"action": "accept", "case": {"case_number": "A-9", "procuratorate": "P", "charges": "C"}},
    ).json["case_id"]
    a.prosecutor("POST", f"/complaints/{ids[1]}/decision", json={"action": "accept", "case_id": case_id})
    vague = a.agent("POST", f"/cases/{case_id}/submissions", json={"kind": "opinion_case", "text": "x"})
    assert vague.status_code == 422 and vague.json["fields"] == {"org_id": "Choose a principal."}
    named = a.agent(
        "POST", f"/cases/{case_id}/submissions", json={"kind": "opinion_case", "text": "x", "org_id": org_b}
    )
    assert named.status_code == 201 and named.json["org_id"] == org_b
    assert a.holder("GET", f"/cases/{case_id}/proceedings").json["submissions"] == []
    assert len(a.other("GET", f"/cases/{case_id}/proceedings").json["submissions"]) == 1
    page = a.app.test_client()
    sign_in(page, a.agent_actor.email)
    html = page.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "Maison Exemple" in html and "上海样例有限公司" in html
    assert f"/cases/{case_id}/submit/opinion_case?org={org_a}" in html.replace("&amp;", "&")
    token = csrf(page, f"/cases/{case_id}/submit/opinion_case?org={org_a}")
    sent = page.post(f"/cases/{case_id}/submit/opinion_case?org={org_a}", data={"csrf_token": token, "text": "For A"})
    assert sent.status_code == 302
    assert [s["body"]["text"] for s in a.holder("GET", f"/cases/{case_id}/proceedings").json["submissions"]] == [
        "For A"
    ]


def test_agent_registers_and_the_pages_follow(agency: Agency) -> None:
    a = agency
    visitor = a.app.test_client()
    token = csrf(visitor, "/register")
    registered = visitor.post(
        "/register",
        data={
            "csrf_token": token,
            "legal_name": "BrandShield Ltd",
            "legal_name_latin": "BrandShield Ltd",
            "country": "GB",
            "kind": "agent",
            "origin": "foreign",
            "contact_email": "ops@brandshield.example",
            "language": "en",
            "timezone": "Europe/London",
            "email": "ops@brandshield.example",
            "password": "a long enough password",
            "confirm": "a long enough password",
            "accept": "y",
        },
    )
    assert registered.status_code == 302
    with a.app.app_context():
        from portal.models import Organisation

        org = get_session().scalar(select(Organisation).where(Organisation.legal_name == "BrandShield Ltd"))
        assert org is not None and org.kind is OrgKind.AGENT

    holder = a.app.test_client()
    sign_in(holder, a.world.holder_a.email)
    page = holder.get("/org/powers").get_data(as_text=True)
    assert "Put a power of attorney on file" in page and "King &amp; Partners" in page
    grant(a.holder, a.agent_org)
    agent = a.app.test_client()
    sign_in(agent, a.agent_actor.email)
    listing = agent.get("/org/powers").get_data(as_text=True)
    assert "Maison Exemple" in listing and "in force" in listing and "Put a power" not in listing
    new = agent.get("/complaints/new").get_data(as_text=True)
    assert "On behalf of" in new and "Maison Exemple" in new
    assert "Authorised agent" in agent.get("/complaints").get_data(as_text=True)
    power_id = a.holder("GET", "/powers-of-attorney").json["items"][0]["id"]
    revoked = holder.post(f"/org/powers/{power_id}/revoke", data={"csrf_token": csrf(holder, "/org/powers")})
    assert revoked.status_code == 302
    assert agent.get("/complaints/new").status_code == 403
