"""Evidence is never bound to damaged bytes, never handed out damaged, and its faults answer 503 without leaks."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from evidence import errors
from evidence.stores import object_key
from portal.cli import cli
from portal.storage import get_store
from tests.conftest import build_app
from tests.damage import flip_a_byte, read_all
from tests.factories import PDF_BYTES, Api, make_world, png_bytes
from tests.portal.test_bundles import case_with_evidence
from tests.portal.test_pages import sign_in

IMAGE = png_bytes(color=(90, 60, 30))


def damage(app: Flask, sha256: str) -> None:
    with app.app_context():
        flip_a_byte(get_store(), object_key(sha256))


def stored_bytes(app: Flask, sha256: str) -> bytes:
    with app.app_context():
        return read_all(get_store(), object_key(sha256))


def last_event(api: Api, evidence_id: int) -> dict:  # type: ignore[type-arg]
    return api("GET", f"/evidence/{evidence_id}/custody").json["events"][-1]  # type: ignore[no-any-return]


def test_an_upload_of_the_same_bytes_repairs_a_damaged_object(app: Flask, client: FlaskClient) -> None:
    world = make_world(app)
    holder, other = Api(client, world.holder_a.token), Api(client, world.holder_b.token)
    prosecutor = Api(client, world.prosecutor.token)
    _complaint, first_id = holder.submitted(world.right_a, IMAGE)
    first = holder("GET", f"/evidence/{first_id}").json
    damage(app, first["sha256"])

    scrubbed = app.test_cli_runner().invoke(cli, ["evidence", "scrub"])
    assert scrubbed.exit_code == 1 and f"MISMATCH  {first['sha256']}" in scrubbed.stdout
    marked = prosecutor("GET", f"/evidence/{first['id']}").json["damage"]
    assert marked["outcome"] == "mismatch" and marked["detected_via"] == "scrub"
    refused = prosecutor("GET", f"/evidence/{first['id']}/content")
    assert refused.status_code == 409 and "damaged" in refused.json["detail"]

    # Another rights holder happens to send the same file: its intact bytes replace the damaged ones.
    second = other.upload(other.draft(world.right_b)["id"], IMAGE, "same.png")
    assert second.status_code == 201, second.json
    assert stored_bytes(app, first["sha256"]) == IMAGE
    repaired = last_event(holder, first["id"])
    assert repaired["action"] == "repaired" and repaired["details"]["via"] == "upload"
    assert repaired["details"]["found"] == "mismatch" and repaired["details"]["evidence_id"] == second.json["id"]
    assert holder("GET", f"/evidence/{first['id']}/custody").json["chain_ok"]
    assert "damage" not in prosecutor("GET", f"/evidence/{first['id']}").json
    assert prosecutor("GET", f"/evidence/{first['id']}/content").data == IMAGE
    assert app.test_cli_runner().invoke(cli, ["evidence", "scrub"]).exit_code == 0


def test_damage_nobody_noticed_is_repaired_and_recorded_too(app: Flask, client: FlaskClient) -> None:
    world = make_world(app)
    holder = Api(client, world.holder_a.token)
    complaint = holder.draft(world.right_a)["id"]
    altered = holder.upload(complaint, IMAGE).json
    lost = holder.upload(complaint, PDF_BYTES, "certificate.pdf").json
    damage(app, altered["sha256"])
    with app.app_context():
        get_store().delete(object_key(lost["sha256"]))

    again = [holder.upload(complaint, IMAGE, "again.png"), holder.upload(complaint, PDF_BYTES, "again.pdf")]
    assert [r.status_code for r in again] == [201, 201]
    altered_event, lost_event = last_event(holder, altered["id"]), last_event(holder, lost["id"])
    assert (altered_event["action"], altered_event["details"]["found"]) == ("repaired", "mismatch")
    assert (lost_event["action"], lost_event["details"]["found"], lost_event["details"]["via"]) == (
        "repaired",
        "missing",
        "upload",
    )
    assert stored_bytes(app, altered["sha256"]) == IMAGE and stored_bytes(app, lost["sha256"]) == PDF_BYTES
    # The new items' own chains start with their receipt, not with a repair.
    assert [e["action"] for e in holder("GET", f"/evidence/{again[0].json['id']}/custody").json["events"]] == [
        "received"
    ]


def test_scrub_repairs_from_files_the_operator_supplies(app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    world = make_world(app)
    holder = Api(client, world.holder_a.token)
    item = holder.upload(holder.draft(world.right_a)["id"], IMAGE).json
    damage(app, item["sha256"])
    copies = tmp_path / "copies"
    (copies / "nested").mkdir(parents=True)
    (copies / "wrong.png").write_bytes(IMAGE[:-1] + b"\x00")  # same size, other bytes: never used
    (copies / "nested" / "IMG_0001.png").write_bytes(IMAGE)

    runner = app.test_cli_runner()
    nothing = runner.invoke(cli, ["evidence", "scrub", "--repair-from", str(tmp_path / "nothing")])
    assert nothing.exit_code == 2 and "does not exist" in nothing.output
    result = runner.invoke(cli, ["evidence", "scrub", "--repair-from", str(copies)])
    assert result.exit_code == 0, result.output
    assert f"MISMATCH  {item['sha256']}" in result.stdout
    assert f"REPAIRED  {item['sha256']}  from {copies / 'nested' / 'IMG_0001.png'}" in result.stdout
    assert "1 repaired" in result.stdout and "0 still damaged" in result.stdout
    event = last_event(holder, item["id"])
    assert event["action"] == "repaired" and event["details"] == {"via": "operator", "file": "IMG_0001.png"}
    assert stored_bytes(app, item["sha256"]) == IMAGE

    damage(app, item["sha256"])
    again = runner.invoke(cli, ["evidence", "scrub", "--repair-from", str(copies / "nested" / "..")])
    assert again.exit_code == 0 and "1 repaired" in again.stdout  # damaged again, repaired again
    (copies / "nested" / "IMG_0001.png").unlink()
    damage(app, item["sha256"])
    left = runner.invoke(cli, ["evidence", "scrub", "--repair-from", str(copies)])
    assert left.exit_code == 1 and f"DAMAGED   {item['sha256']}  no file in" in left.stdout


def test_a_damaged_download_breaks_off_and_is_recorded(app: Flask, client: FlaskClient) -> None:
    world = make_world(app)
    holder = Api(client, world.holder_a.token)
    data = PDF_BYTES + bytes(range(256)) * 12_000  # several chunks
    item = holder.upload(holder.draft(world.right_a)["id"], data, "scan.pdf").json
    damage(app, item["sha256"])

    response = holder("GET", f"/evidence/{item['id']}/content")
    assert response.status_code == 200 and response.headers["Content-Length"] == str(len(data))
    with pytest.raises(errors.Damaged):
        response.get_data()  # the stream stops before its last chunk: no client ever holds a whole damaged file
    event = last_event(holder, item["id"])
    assert (event["action"], event["outcome"], event["details"]["via"]) == ("verified", "mismatch", "download")
    again = holder("GET", f"/evidence/{item['id']}/content")
    assert again.status_code == 409 and again.json["code"] == "conflict"

    # The page says so to its owner, who can repair it by sending the file again.
    assert sign_in(client, world.holder_a.email) == 302
    page = client.get(f"/evidence/{item['id']}")
    assert 'id="damage"' in page.text and "The stored copy of this file is altered." in page.text
    assert "A download found on" in page.text


def test_bundles_refuse_known_damage_and_break_off_on_new_damage(app: Flask, client: FlaskClient) -> None:
    world, case_id, ids = case_with_evidence(app, client)
    prosecutor = Api(client, world.prosecutor.token)
    items = {i: prosecutor("GET", f"/evidence/{i}").json for i in ids}

    damage(app, items[ids[0]]["sha256"])
    export = prosecutor("GET", f"/cases/{case_id}/bundle")
    assert export.status_code == 200
    with pytest.raises(errors.Damaged):
        export.get_data()  # the ZIP never gets its central directory
    event = last_event(prosecutor, ids[0])
    assert (event["outcome"], event["details"]["via"]) == ("mismatch", "export")

    refused = prosecutor("GET", f"/cases/{case_id}/bundle")
    assert refused.status_code == 409 and refused.json["fields"]["evidence"] == f"Stored damaged: {ids[0]}."
    assert prosecutor("GET", f"/cases/{case_id}/bundle?evidence={ids[1]}").status_code == 200
    assert sign_in(client, world.prosecutor.email) == 302
    page = client.get(f"/cases/{case_id}")
    assert f'value="{ids[0]}" disabled' in page.text and 'id="damaged-items"' in page.text
    assert f'value="{ids[1]}" checked' in page.text and "Stored copy altered" in page.text


def test_simultaneous_uploads_of_the_same_file_share_one_intact_object(app: Flask, client: FlaskClient) -> None:
    world = make_world(app)
    holder = Api(client, world.holder_a.token)
    complaint = holder.draft(world.right_a)["id"]
    data = PDF_BYTES + bytes(range(256)) * 30_000  # larger than one S3 part

    def send(number: int) -> int:
        return Api(app.test_client(), world.holder_a.token).upload(complaint, data, f"{number}.pdf").status_code

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(send, range(4))) == [201] * 4
    listed = holder("GET", f"/complaints/{complaint}").json["evidence"]
    assert len(listed) == 4 and len({i["sha256"] for i in listed}) == 1
    assert stored_bytes(app, listed[0]["sha256"]) == data
    assert app.test_cli_runner().invoke(cli, ["evidence", "scrub"]).exit_code == 0


@pytest.mark.parametrize("where", ["api", "page"])
def test_a_database_that_is_down_answers_503_with_an_id_and_no_details(
    stack_env: dict[str, str], tmp_path: Path, caplog: pytest.LogCaptureFixture, where: str
) -> None:
    # Nothing listens on port 9; an SQLite file in a folder that does not exist cannot be opened.
    dead = (
        "postgresql+psycopg://portal@127.0.0.1:9/portal?connect_timeout=2"
        if "DATABASE_URL" in stack_env
        else f"sqlite:///{tmp_path / 'gone' / 'portal.sqlite3'}"
    )
    app = build_app(stack_env, DATABASE_URL=dead)
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    with caplog.at_level(logging.ERROR, logger="portal.errors"):
        if where == "api":
            response = client.get("/api/v1/me", headers={"Authorization": "Bearer whatever"})
            assert response.status_code == 503 and response.headers["Retry-After"] == "30"
            error = response.json
            assert response.mimetype == "application/problem+json"
            assert error["code"] == "database_unavailable" and "try again shortly" in error["detail"]
            error_id = error["error_id"]
        else:
            response = client.post("/login", data={"email": "a@b.example", "password": "x" * 12})
            # The login throttle may push Retry-After to the end of its own window.
            assert response.status_code == 503 and int(response.headers["Retry-After"]) >= 30
            assert "try again shortly" in response.text and "请稍后再试" in response.text
            error_id = response.text.split("<code>")[1].split("</code>")[0]
    for leak in ("127.0.0.1", "psycopg", "sqlite", "gone", "Traceback", "OperationalError"):
        assert leak not in response.text
    logged = [r.getMessage() for r in caplog.records if error_id in r.getMessage()]
    assert logged and ("127.0.0.1" in logged[0] or "unable to open" in logged[0])


def test_a_store_that_is_down_answers_503_without_naming_it(
    make_app: Callable[..., Flask], stack_env: dict[str, str], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    if "DATABASE_URL" in stack_env:
        app = make_app(S3_ENDPOINT_URL="http://127.0.0.1:9")
        secrets = ["127.0.0.1", stack_env["EVIDENCE_STORE"].split("/")[2], "objects/"]
    else:
        app = make_app()
        with app.app_context():
            staging = get_store().staging_dir  # type: ignore[attr-defined]
        staging.rmdir()
        staging.write_bytes(b"not a folder")  # the disk gives an error on every new upload
        secrets = [str(tmp_path), "staging", "Errno"]
    client = app.test_client()
    world = make_world(app)
    holder = Api(client, world.holder_a.token)
    with caplog.at_level(logging.ERROR, logger="portal.errors"):
        complaint = holder.draft(world.right_a)["id"]
        response = holder.upload(complaint, IMAGE)
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    assert response.json["detail"] == "The evidence store is unavailable; try again shortly."
    assert all(secret not in response.text for secret in secrets), response.text
    assert any(response.json["error_id"] in r.getMessage() for r in caplog.records)
    assert holder("GET", f"/complaints/{complaint}").json["evidence"] == []
