"""Decisions and stages: every incomplete or out-of-order request is refused precisely."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import Api, make_world, names_field

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
    paged = prosecutor("GET", "/review/complaints", query_string={"per_page": 2, "page": 2, "order": "oldest"}).json
    assert paged["total"] == 4 and paged["pages"] == 2 and [c["id"] for c in paged["items"]] == [ids_a[2], id_b]
    assert prosecutor("GET", "/review/complaints", query_string={"right_type": "patent"}).json["total"] == 0
    for bad in ({"status": "draft"}, {"status": "nope"}, {"foreign": "yes"}, {"per_page": 1000}, {"page": "x"}):
        assert prosecutor("GET", "/review/complaints", query_string=bad).status_code == 422, bad
