"""The API contract: the generated document, and how the operations answer what they were not built for."""

import json
import re
from datetime import timedelta
from http import HTTPStatus

from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import validate
from sqlalchemy import update

from portal.api.contract import JSON_BODY_MAX
from portal.db import get_session
from portal.holder.forms import ComplaintForm
from portal.models import IdempotentRequest, utcnow
from portal.schemas.complaints import ComplaintInput
from tests.factories import Api, make_world, names_field, png_bytes

PROBLEM = "application/problem+json"


def test_openapi_is_valid_and_matches_the_routes(app: Flask) -> None:
    document = app.test_client().get("/api/v1/openapi.json").json
    validate(document)
    documented = {
        (method.upper(), "/api/v1" + path)
        for path, item in document["paths"].items()
        for method in item
        if method != "parameters"
    }
    routed = {
        (method, re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1")
        for method in rule.methods  # type: ignore[union-attr]
        # What Flask answers by itself: HEAD beside GET, and OPTIONS unless the view declares it.
        if not (method == "HEAD" and "GET" in rule.methods)
        and not (method == "OPTIONS" and rule.provide_automatic_options)
    }
    assert documented == routed
    # Every operation says what its errors look like, and creations lead on to what they created.
    create = document["paths"]["/complaints"]["post"]
    assert create["responses"]["422"] == {"$ref": "#/components/responses/422"}
    assert PROBLEM in document["components"]["responses"]["422"]["content"]
    assert create["responses"]["201"]["links"]["submit_complaint"]["parameters"] == {
        "complaint_id": "$response.body#/id"
    }
    evidence = document["components"]["schemas"]["Evidence"]["properties"]
    assert {"pictures", "file_metadata", "analysis_error", "damage"} <= set(evidence)


def test_bad_requests_are_problems_that_name_the_field(app: Flask, client: FlaskClient) -> None:
    world = make_world(app)
    holder = Api(client, world.holder_a.token)

    def post(data: str | bytes, content_type: str = "application/json"):  # type: ignore[no-untyped-def]
        return holder("POST", "/complaints", data=data, headers={"Content-Type": content_type})

    long_title = post(json.dumps({"title": "x" * 201}))
    assert long_title.status_code == 422 and long_title.mimetype == PROBLEM
    assert long_title.json["title"] == HTTPStatus(422).phrase and long_title.json["status"] == 422
    assert set(long_title.json["fields"]) == {"title"} and long_title.json["code"] == "invalid_request"
    stray = post(json.dumps({"title": "x", "colour": "red"}))
    assert stray.status_code == 422 and set(stray.json["fields"]) == {"colour"}
    nested = post(json.dumps({"title": "x", "infringers": [{"name": ""}]}))
    assert set(nested.json["fields"]) == {"infringers.0.name"}
    strict = post(json.dumps({"title": "x", "units": "300"}))  # JSON types as declared, no coercion
    assert strict.status_code == 422 and set(strict.json["fields"]) == {"units"}
    assert post("{").status_code == 400 and post("{").json["code"] == "malformed"
    assert post("title=x", "application/x-www-form-urlencoded").status_code == 415
    too_big = post(b'{"title": "' + b"x" * JSON_BODY_MAX + b'"}')
    assert too_big.status_code == 413 and too_big.mimetype == PROBLEM and str(JSON_BODY_MAX) in too_big.json["detail"]
    bad_query = Api(client, world.prosecutor.token)("GET", "/review/complaints", query_string={"foreign": "yes"})
    assert bad_query.status_code == 422 and set(bad_query.json["fields"]) == {"foreign"}
    assert holder("GET", "/complaints").status_code == 200  # and nothing was filed by any of it
    assert holder("GET", "/complaints").json["items"] == []
    # The page takes its limit from the same field.
    assert 200 in [getattr(m, "max_length", None) for m in ComplaintInput.model_fields["title"].metadata]
    with app.test_request_context():
        form = ComplaintForm(meta={"csrf": False}, data={"title": "x" * 201, "currency": "CNY"})
        assert not form.validate() and form.title.errors


def test_the_document_is_readable_in_a_browser_under_the_csp(client: FlaskClient) -> None:
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and page.mimetype == "text/html"
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "img-src 'self' data:" in policy
    assert client.get("/api/v1/openapi.json").status_code == 200  # public, like the docs


def test_a_retried_creation_with_its_idempotency_key_creates_once(app: Flask, client: FlaskClient) -> None:
    world = make_world(app)
    holder = Api(client, world.holder_a.token)
    body = {"title": "Sent twice over a broken link", "right_ids": [world.right_a]}
    first = holder("POST", "/complaints", json=body, headers={"Idempotency-Key": "k-1"})
    again = holder("POST", "/complaints", json=body, headers={"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201
    assert again.json == first.json and again.headers["Idempotent-Replayed"] == "true"
    assert len(holder("GET", "/complaints").json["items"]) == 1
    clash = holder("POST", "/complaints", json={**body, "title": "Another"}, headers={"Idempotency-Key": "k-1"})
    assert clash.status_code == 422 and "Idempotency-Key" in clash.json["fields"]
    # Another user's identical key is theirs alone.
    other = Api(client, world.holder_b.token)(
        "POST", "/complaints", json={"title": "B"}, headers={"Idempotency-Key": "k-1"}
    )
    assert other.status_code == 201 and other.json["id"] != first.json["id"]
    # A refused request frees its key for the corrected retry.
    refused = holder("POST", "/complaints", json={"title": ""}, headers={"Idempotency-Key": "k-2"})
    assert refused.status_code == 422
    fixed = holder("POST", "/complaints", json={"title": "Fixed"}, headers={"Idempotency-Key": "k-2"})
    assert fixed.status_code == 201
    # An upload retried with its key stores one item.
    uploads = [holder.upload(first.json["id"], png_bytes(), headers={"Idempotency-Key": "photo-1"}) for _ in range(2)]
    assert uploads[0].json["id"] == uploads[1].json["id"]
    assert len(holder("GET", f"/complaints/{first.json['id']}").json["evidence"]) == 1
    assert holder("POST", "/complaints", json=body, headers={"Idempotency-Key": "x" * 256}).status_code == 422


def test_an_idempotency_key_still_being_answered_is_not_answered_twice(app: Flask, client: FlaskClient) -> None:
    world = make_world(app)
    holder = Api(client, world.holder_a.token)
    body = {"title": "Sent while the first is still running", "right_ids": [world.right_a]}
    assert holder("POST", "/complaints", json=body, headers={"Idempotency-Key": "busy"}).status_code == 201
    with app.app_context():
        session = get_session()
        # As the first request's row looks while its worker is still answering it.
        session.execute(update(IdempotentRequest).values(status=None, body=None))
        session.commit()
    busy = holder("POST", "/complaints", json=body, headers={"Idempotency-Key": "busy"})
    assert busy.status_code == 409 and busy.json["code"] == "conflict"
    assert len(holder("GET", "/complaints").json["items"]) == 1
    # A first request that never answered (its worker died) does not hold its key forever.
    with app.app_context():
        session = get_session()
        session.execute(update(IdempotentRequest).values(created_at=utcnow() - timedelta(minutes=16)))
        session.commit()
    assert holder("POST", "/complaints", json=body, headers={"Idempotency-Key": "busy"}).status_code == 201
    assert len(holder("GET", "/complaints").json["items"]) == 2


def test_if_match_stops_two_editors_overwriting_each_other(app: Flask, client: FlaskClient) -> None:
    world = make_world(app)
    holder = Api(client, world.holder_a.token)
    draft = holder.draft(world.right_a)
    read = holder("GET", f"/complaints/{draft['id']}")
    etag = read.headers["ETag"]
    assert etag == f'"{read.json["version"]}"'
    first = holder("PATCH", f"/complaints/{draft['id']}", json={"title": "First editor"}, headers={"If-Match": etag})
    assert first.status_code == 200 and first.headers["ETag"] != etag
    second = holder("PATCH", f"/complaints/{draft['id']}", json={"title": "Second"}, headers={"If-Match": etag})
    assert second.status_code == 412 and second.json["code"] == "precondition_failed"
    assert holder("GET", f"/complaints/{draft['id']}").json["title"] == "First editor"
    assert holder("PATCH", f"/complaints/{draft['id']}", json={"title": "No If-Match"}).status_code == 200
    right = holder("GET", f"/rights/{world.right_a}")
    bump = holder("PATCH", "/me", json={"name": "A"}, headers={"If-Match": holder("GET", "/me").headers["ETag"]})
    assert bump.status_code == 200
    stale = holder("PATCH", "/me", json={"name": "B"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412 and holder("GET", "/me").json["name"] == "A"
    assert (
        holder("PATCH", f"/rights/{world.right_a}", json={"scope": "x"}, headers={"If-Match": '"99"'}).status_code
        == 412
    )
    assert right.headers["ETag"] == f'"{right.json["version"]}"'


def test_every_list_pages_by_cursor_with_a_next_link(app: Flask, client: FlaskClient) -> None:
    world = make_world(app)
    holder = Api(client, world.holder_a.token)
    made = [holder.draft(world.right_a, title=f"Complaint {n}")["id"] for n in range(5)]
    seen, url = [], "/api/v1/complaints?limit=2"
    while url:
        page = client.get(url, headers={"Authorization": f"Bearer {world.holder_a.token}"})
        assert page.status_code == 200 and len(page.json["items"]) <= 2
        seen += [c["id"] for c in page.json["items"]]
        url = page.json["next"]
        assert url is None or (url.startswith("http://localhost/api/v1/complaints?") and "limit=2" in url)
    assert seen == sorted(made, reverse=True)  # newest first, each once
    assert holder("GET", "/complaints", query_string={"cursor": "!!"}).status_code == 422
    assert names_field(holder("GET", "/complaints", query_string={"limit": 0}), "limit")
    document = client.get("/api/v1/openapi.json").json
    for path, item in document["paths"].items():
        answer = item.get("get", {}).get("responses", {}).get("200", {})
        schema = answer.get("content", {}).get("application/json", {}).get("schema", {})
        described = document["components"]["schemas"].get(schema.get("$ref", "").rsplit("/", 1)[-1], {})
        if "items" in described.get("properties", {}):
            assert "next" in described["properties"], path


def test_what_schemathesis_found_stays_fixed(app: Flask, client: FlaskClient) -> None:
    world = make_world(app)
    holder = Api(client, world.holder_a.token)
    # NUL in text reached PostgreSQL, which refuses it: a 500. The document now rules it out.
    nul = holder("POST", "/complaints", json={"title": "a\x00b"})
    assert nul.status_code == 422 and nul.json["code"] == "invalid_request" and names_field(nul, "title")
    # JSON Schema counts 3.0 as an integer, so the API takes it; "3" and true it refuses.
    whole = holder("POST", "/complaints", json={"title": "x", "units": 3.0, "right_ids": [float(world.right_a)]})
    assert whole.status_code == 201 and whole.json["units"] == 3
    for units in ("3", True, 3.5):
        assert names_field(holder("POST", "/complaints", json={"title": "x", "units": units}), "units")
    # A cursor past any row id compared an INTEGER column with a BIGINT on PostgreSQL: a 500.
    assert holder("GET", "/complaints", query_string={"cursor": 2**31}).status_code == 422
    assert holder("GET", "/complaints", query_string={"cursor": 2**31 - 1}).status_code == 200
    # A query parameter nobody declared is refused by name, as a stray body field is.
    stray = holder("GET", "/complaints", query_string={"colour": "red"})
    assert stray.status_code == 422 and names_field(stray, "colour")
    # Amounts: a string with at most two decimals, or a whole number; never a binary fraction.
    assert holder("PATCH", f"/complaints/{whole.json['id']}", json={"illegal_volume": 1250}).status_code == 200
    for amount in (12.5, "12.505", "-1", "1e3"):
        answer = holder("PATCH", f"/complaints/{whole.json['id']}", json={"illegal_volume": amount})
        assert answer.status_code == 422 and names_field(answer, "illegal_volume"), amount
