"""What the rights and account pages do, an API client does through the same services."""

from flask import Flask
from flask.testing import FlaskClient

from portal.db import get_session
from portal.models import OrgStatus, Role
from portal.services import accounts
from tests.factories import PASSWORD, Api, make_world, names_field
from tests.portal.test_pages import csrf, sign_in

TRADEMARK = {"type": "trademark", "registration_number": "G777", "registry": "WIPO Madrid", "owner": "Brand A"}


def test_rights_are_recorded_changed_and_retired(app: Flask, client: FlaskClient) -> None:
    world = make_world(app)
    holder, other = Api(client, world.holder_a.token), Api(client, world.holder_b.token)
    made = holder("POST", "/rights", json={**TRADEMARK, "valid_from": "2020-01-01"})
    assert made.status_code == 201, made.json
    right = made.json
    assert right["org_id"] == world.holder_a.org_id and right["retired_at"] is None
    assert right["id"] in [r["id"] for r in holder("GET", "/rights").json["items"]]
    assert holder("GET", f"/rights/{right['id']}").json == right
    assert other("GET", f"/rights/{right['id']}").status_code == 404  # another holder's right does not exist
    assert other("PATCH", f"/rights/{right['id']}", json={"scope": "x"}).status_code == 404

    changed = holder("PATCH", f"/rights/{right['id']}", json={"scope": "Class 18", "valid_until": "2030-01-01"})
    assert changed.status_code == 200 and changed.json["scope"] == "Class 18"
    assert changed.json["owner"] == "Brand A" and changed.json["valid_from"] == "2020-01-01"  # the rest stays
    backwards = holder("PATCH", f"/rights/{right['id']}", json={"valid_until": "2019-01-01"})
    assert backwards.status_code == 422 and names_field(backwards, "valid_until")
    assert names_field(holder("PATCH", f"/rights/{right['id']}", json={"owner": None}), "owner")
    assert names_field(holder("POST", "/rights", json={**TRADEMARK, "registry": ""}), "registry")

    draft = holder.draft(right["id"])
    retired = holder("POST", f"/rights/{right['id']}/retire")
    assert retired.status_code == 200 and retired.json["retired_at"]
    refused = holder("POST", "/complaints", json={"title": "New", "right_ids": [right["id"]]})
    assert refused.status_code == 422 and names_field(refused, "right_ids")
    kept = holder("PATCH", f"/complaints/{draft['id']}", json={"title": "Still relying on it"})
    assert kept.status_code == 200 and [r["id"] for r in kept.json["rights"]] == [right["id"]]
    assert holder("PATCH", f"/rights/{right['id']}", json={"scope": "y"}).status_code == 409

    cid, _ = holder.submitted(world.right_a)  # a submitted complaint fixes the right it relied on
    frozen = holder("PATCH", f"/rights/{world.right_a}", json={"scope": "changed after filing"})
    assert frozen.status_code == 409 and "retire" in frozen.json["detail"]
    assert holder("GET", f"/complaints/{cid}").json["rights"][0]["scope"] != "changed after filing"
    assert Api(client, world.prosecutor.token)("POST", "/rights", json=TRADEMARK).status_code == 403


def test_the_page_retires_a_right(app: Flask, client: FlaskClient) -> None:
    world = make_world(app)
    assert sign_in(client, world.holder_a.email) == 302
    token = csrf(client, "/rights")
    offered = f'name="right_ids" type="checkbox" value="{world.right_a}"'
    assert offered in client.get("/complaints/new").text
    answer = client.post(f"/rights/{world.right_a}/retire", data={"csrf_token": token}, follow_redirects=True)
    assert answer.status_code == 200 and "Retired" in answer.text
    assert offered not in client.get("/complaints/new").text  # not offered for new complaints any more
    assert client.post(f"/rights/{world.right_b}/retire", data={"csrf_token": token}).status_code == 404


def test_me_changes_name_language_and_time_zone(app: Flask, client: FlaskClient) -> None:
    world = make_world(app)
    holder = Api(client, world.holder_a.token)
    changed = holder("PATCH", "/me", json={"name": "Mei Lin", "language": "zh", "timezone": "Europe/Paris"})
    assert changed.status_code == 200, changed.json
    assert (changed.json["name"], changed.json["language"], changed.json["timezone"]) == (
        "Mei Lin",
        "zh",
        "Europe/Paris",
    )
    assert holder("PATCH", "/me", json={"language": "en"}).json["timezone"] == "Europe/Paris"  # the rest stays
    for bad, field in (
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"language": "fr"}, "language"),
        ({"role": "admin"}, "role"),
    ):
        answer = holder("PATCH", "/me", json=bad)
        assert answer.status_code == 422 and names_field(answer, field), answer.json
    assert holder("GET", "/me").json["role"] == "holder"


def test_page_only_actions_now_have_operations(app: Flask, client: FlaskClient) -> None:
    world = make_world(app)
    holder, prosecutor = Api(client, world.holder_a.token), Api(client, world.prosecutor.token)
    draft = holder.draft(world.right_a)
    withdrawn = holder("POST", f"/complaints/{draft['id']}/withdraw")
    assert withdrawn.status_code == 200 and withdrawn.json["status"] == "withdrawn"
    assert holder("POST", f"/complaints/{draft['id']}/withdraw").status_code == 409
    cid, eid = holder.submitted(world.right_a)
    mine = prosecutor("GET", "/review/complaints", query_string={"assigned": "me"}).json
    nobody = prosecutor("GET", "/review/complaints", query_string={"assigned": "none"}).json
    assert mine["items"] == [] and cid in [c["id"] for c in nobody["items"]]
    assert names_field(prosecutor("GET", "/review/complaints", query_string={"assigned": "someone"}), "assigned")
    thumbnail = holder("GET", f"/evidence/{eid}/thumbnail")
    assert thumbnail.status_code == 200 and thumbnail.mimetype == "image/jpeg"
    with app.app_context():
        db = get_session()
        org = accounts.create_organisation(db, "Registrant GmbH", "DE", False)
        org.status = OrgStatus.PENDING
        db.commit()
        org_id = org.id
        accounts.create_user(db, "registrant@registrant.example", PASSWORD, Role.HOLDER, org_id)
    pending = prosecutor("GET", "/organisations/pending").json["items"]
    assert [o["id"] for o in pending] == [org_id]
    assert holder("GET", "/organisations/pending").status_code == 403
    unreasoned = prosecutor("POST", f"/organisations/{org_id}/decision", json={"decision": "reject"})
    assert unreasoned.status_code == 422 and names_field(unreasoned, "reason")
    approved = prosecutor("POST", f"/organisations/{org_id}/decision", json={"decision": "approve"})
    assert approved.status_code == 200 and approved.json["status"] == "approved"
    assert prosecutor("POST", f"/organisations/{org_id}/decision", json={"decision": "approve"}).status_code == 409
    staff = Api(client, world.admin.token)("GET", "/admin/users", query_string={"limit": 2})
    assert [u["role"] for u in staff.json["items"]] == ["prosecutor", "supervisor"] and staff.json["next"]
    assert prosecutor("GET", "/admin/users").status_code == 403
