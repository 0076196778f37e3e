"""Decisions and stages: every incomplete or out-of-order request is refused precisely."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.db import get_session
from portal.models import Complaint, ComplaintStatus, utcnow
from tests.factories import Api, make_world, names_field
from tests.portal.test_pages import csrf, sign_in

NEW_CASE = {"case_number": "K-1", "procuratorate": "Shanghai", "charges": "Counterfeiting"}


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"action": "approve"}, 422, "action"),
        ({"action": "decline"}, 422, "reason"),
        ({"action": "request_information", "message": "More"}, 422, "due"),
        ({"action": "request_information", "message": "More", "due": "2020-01-01"}, 422, "due"),
        ({"action": "request_information", "due": "2099-01-01"}, 422, "message"),
        ({"action": "accept"}, 422, "case_id"),
        ({"action": "accept", "case_id": 999, "case": NEW_CASE}, 422, "case_id"),
        ({"action": "accept", "case": {**NEW_CASE, "charges": ""}}, 422, "charges"),
        ({"action": "accept", "case": {**NEW_CASE, "stage": "lunch"}}, 422, "stage"),
        ({"action": "accept", "case_id": 999}, 404, None),
    ],
)
def test_bad_decisions(app: Flask, client: FlaskClient, body: dict, status: int, field: str | None) -> None:
    world = make_world(app)
    cid, _ = Api(client, world.holder_a.token).submitted(world.right_a)
    response = Api(client, world.prosecutor.token)("POST", f"/complaints/{cid}/decision", json=body)
    assert response.status_code == status, response.json
    if field:
        assert names_field(response, field), response.json
    assert Api(client, world.holder_a.token)("GET", f"/complaints/{cid}").json["status"] == "submitted"


def test_decided_complaint_is_closed_and_case_numbers_unique(app: Flask, client: FlaskClient) -> None:
    world = make_world(app)
    holder, prosecutor = Api(client, world.holder_a.token), Api(client, world.prosecutor.token)
    first, _ = holder.submitted(world.right_a)
    second, _ = holder.submitted(world.right_a)
    assert (
        prosecutor("POST", f"/complaints/{first}/decision", json={"action": "accept", "case": NEW_CASE}).status_code
        == 200
    )
    again = prosecutor("POST", f"/complaints/{first}/decision", json={"action": "decline", "reason": "x"})
    assert again.status_code == 409
    duplicate = prosecutor("POST", f"/complaints/{second}/decision", json={"action": "accept", "case": NEW_CASE})
    assert duplicate.status_code == 409 and "K-1" in duplicate.json["detail"]
    case_id = holder("GET", f"/complaints/{first}").json["case_id"]
    linked = prosecutor("POST", f"/complaints/{second}/decision", json={"action": "accept", "case_id": case_id})
    assert linked.status_code == 200
    assert len(prosecutor("GET", f"/cases/{case_id}").json["complaints"]) == 2


def test_bad_stage_changes(app: Flask, client: FlaskClient) -> None:
    world = make_world(app)
    prosecutor = Api(client, world.prosecutor.token)
    case = prosecutor("POST", "/cases", json=NEW_CASE).json
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    for body, field in [
        ({"stage": "prosecuted"}, "date"),
        ({"stage": "prosecuted", "date": tomorrow}, "occurred_on"),
        ({"stage": "nap", "date": "2026-01-01"}, "stage"),
        ({"stage": "prosecuted", "date": "01/02/2026"}, "date"),
    ]:
        response = prosecutor("POST", f"/cases/{case['id']}/stages", json=body)
        assert response.status_code == 422 and field in response.json["fields"], body
    assert prosecutor("GET", f"/cases/{case['id']}").json["timeline"][-1]["stage"] == "prosecution_review"
    assert (
        prosecutor("POST", "/cases/999/stages", json={"stage": "prosecuted", "date": "2026-01-01"}).status_code == 404
    )


def test_review_queue_filters_and_pages(app: Flask, client: FlaskClient) -> None:
    world = make_world(app)
    a, b = Api(client, world.holder_a.token), Api(client, world.holder_b.token)
    ids_a = [a.submitted(world.right_a)[0] for _ in range(3)]
    id_b = b.submitted(world.right_b)[0]
    prosecutor = Api(client, world.prosecutor.token)
    foreign = prosecutor("GET", "/review/complaints", query_string={"foreign": "true", "order": "oldest"}).json
    assert [c["id"] for c in foreign["items"]] == ids_a
    domestic = prosecutor("GET", "/review/complaints", query_string={"foreign": "false"}).json
    assert [c["id"] for c in domestic["items"]] == [id_b]
    bearer = {"Authorization": f"Bearer {world.prosecutor.token}"}

    def walk(url: str, link: str) -> list[list[int]]:
        pages = []
        while url:
            page = client.get(url, headers=bearer).json
            assert page["total"] == 4 and page["total_exact"] is True
            pages.append([c["id"] for c in page["items"]])
            url = page[link]
        return pages

    oldest = [*ids_a, id_b]
    assert client.get("/api/v1/review/complaints", headers=bearer).json["previous"] is None
    assert walk("/api/v1/review/complaints?limit=3&order=oldest", "next") == [oldest[:3], oldest[3:]]
    assert walk("/api/v1/review/complaints?limit=3", "next") == [oldest[:0:-1], oldest[:1]]
    last = client.get("/api/v1/review/complaints?limit=1&order=oldest", headers=bearer).json
    while last["next"]:
        last = client.get(last["next"], headers=bearer).json
    assert [c["id"] for c in last["items"]] == [id_b]
    assert walk(last["previous"], "previous") == [[ids_a[2]], [ids_a[1]], [ids_a[0]]]
    assert prosecutor("GET", "/review/complaints", query_string={"right_type": "patent"}).json["total"] == 0
    bad_queries = ({"status": "draft"}, {"status": "nope"}, {"foreign": "yes"}, {"limit": 1000}, {"cursor": "x!"},
                   {"cursor": "bm90LWEtY3Vyc29y"}, {"page": "2"})  # fmt: skip
    for bad in bad_queries:
        assert prosecutor("GET", "/review/complaints", query_string=bad).status_code == 422, bad

    browser = app.test_client()
    sign_in(browser, world.prosecutor.email)
    page = browser.get("/review/?order=oldest").text
    assert "4 complaints" in page and 'rel="prev"' not in page and 'rel="next"' not in page
    seen, url = [], "/review/?order=oldest&origin=foreign"
    with app.app_context():  # twenty a page: 22 foreign complaints make two (filed directly, for speed)
        db = get_session()
        for n in range(19):
            db.add(Complaint(org_id=world.holder_a.org_id, created_by_id=world.holder_a.id, title=f"Filed {n}",
                             status=ComplaintStatus.SUBMITTED, submitted_at=utcnow()))  # fmt: skip
            db.flush()
        db.commit()
    while url:
        page = browser.get(url).text
        seen += [int(ref) for ref in re.findall(r">C-(\d{6})</a>", page)]
        found = re.search(r'rel="next" href="([^"]+)"', page)
        url = found.group(1).replace("&amp;", "&") if found else ""
    assert len(seen) == 22 and seen == sorted(seen) and seen[:3] == ids_a
    assert 'rel="prev"' in page and browser.get("/review/?cursor=nonsense").status_code == 422


def test_the_decision_form_links_to_a_case_named_by_its_number(app: Flask, client: FlaskClient) -> None:
    """The page names an existing case by its number (typed, or picked from suggestions), never a list of all."""
    world = make_world(app)
    holder, prosecutor = Api(client, world.holder_a.token), Api(client, world.prosecutor.token)
    first = holder.submitted(world.right_a)[0]
    case = prosecutor("POST", "/cases", json={**NEW_CASE, "case_number": "沪检知刑诉〔2026〕31号"}).json
    prosecutor("POST", "/cases", json={**NEW_CASE, "case_number": "沪检知刑诉〔2026〕310号"})
    browser = app.test_client()
    sign_in(browser, world.prosecutor.email)
    page = browser.get(f"/review/complaints/{first}").text
    assert 'data-suggest="/cases/suggest"' in page and "沪检知刑诉〔2026〕31号" not in page
    suggested = browser.get("/cases/suggest", query_string={"q": "2026〕31"}).json
    assert [c["case_number"] for c in suggested] == ["沪检知刑诉〔2026〕310号", "沪检知刑诉〔2026〕31号"]
    token = csrf(browser, f"/review/complaints/{first}")
    refused = browser.post(
        f"/review/complaints/{first}/decision", data={"csrf_token": token, "action": "accept", "case": "〔2026〕31"}
    )
    assert refused.status_code == 422 and "No case has the number 〔2026〕31" in refused.text
    decided = browser.post(
        f"/review/complaints/{first}/decision",
        data={"csrf_token": token, "action": "accept", "case": "沪检知刑诉〔2026〕31号"},
    )
    assert decided.status_code == 302
    assert prosecutor("GET", f"/complaints/{first}").json["case_id"] == case["id"]
    # The API takes the same filter on the list of cases; rights holders see only their own cases in it.
    found = prosecutor("GET", "/cases", query_string={"number": "〔2026〕31"}).json["items"]
    assert [c["id"] for c in found][-1] == case["id"] and len(found) == 2
    assert [c["id"] for c in holder("GET", "/cases", query_string={"number": "2026"}).json["items"]] == [case["id"]]
    too_long = prosecutor("GET", "/cases", query_string={"number": "〔" * 101})
    assert too_long.status_code == 422 and "number" in too_long.json["fields"]
    # The picker asks with whatever was typed: more than any case number holds finds nothing.
    assert browser.get("/cases/suggest", query_string={"q": "3" * 101}).json == []
    assert browser.get("/cases/suggest", query_string={"q": "%"}).json == []
    holder_browser = app.test_client()
    sign_in(holder_browser, world.holder_a.email)
    assert holder_browser.get("/cases/suggest", query_string={"q": "2026"}).status_code == 403
