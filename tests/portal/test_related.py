"""Related evidence across complaints: analysis by the worker, matches, clusters, the threshold, the workspace."""

from __future__ import annotations

import io
from typing import Any

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy import event, text, update

from portal.cli import cli
from portal.db import get_session
from portal.models import EvidenceItem
from portal.services import matching
from portal.storage import get_store
from tests.factories import Api, World, make_world
from tests.photos import TRANSFORMATIONS, photographs
from tests.portal.test_pages import csrf, sign_in


@pytest.fixture(scope="module")
def photos() -> dict[str, Image.Image]:
    return photographs(opencv_doc=None)


def encoded(image: Image.Image, kind: str = "JPEG") -> bytes:
    out = io.BytesIO()
    image.save(out, kind, **({"quality": 90} if kind == "JPEG" else {}))
    return out.getvalue()


def work(app: Flask, index: matching.FrameIndex | None = None) -> matching.Round:
    """What `portal worker` does, round after round until nothing is left; the rounds' totals."""
    index = index or matching.FrameIndex()
    total = matching.Round()
    with app.app_context():
        while True:
            done = matching.process_pending(get_session(), get_store(), index)
            if not (done.analysed or done.matched):
                return total
            total.analysed, total.matched = total.analysed + done.analysed, total.matched + done.matched
            total.pairs += done.pairs


def file_complaint(api: Api, right: int, *files: tuple[str, bytes]) -> tuple[int, list[int]]:
    complaint = api.draft(right)
    ids = []
    for name, data in files:
        response = api.upload(complaint["id"], data, filename=name)
        assert response.status_code == 201, response.json
        ids.append(response.json["id"])
    assert api("POST", f"/complaints/{complaint['id']}/submit").status_code == 200
    return complaint["id"], ids


@pytest.fixture
def filed(app: Flask, photos: dict[str, Image.Image]) -> dict[str, Any]:
    """Holder A files the shop photo; holder B later files a cropped, resized, recompressed and
    watermarked copy of it, the very same file again, and an unrelated photo."""
    world = make_world(app)
    client = app.test_client()
    a, b = Api(client, world.holder_a.token), Api(client, world.holder_b.token)
    shop = encoded(photos["coffee.png"])
    first, (original,) = file_complaint(a, world.right_a, ("shop.jpg", shop))
    copy = encoded(TRANSFORMATIONS["text watermark"](TRANSFORMATIONS["crop, resize and JPEG"](photos["coffee.png"])))
    second, (altered, same, other) = file_complaint(
        b,
        world.right_b,
        ("listing-2026.jpg", copy),
        ("again.jpg", shop),
        ("cat.png", encoded(photos["chelsea.png"], "PNG")),
    )
    return {
        "world": world,
        "first": first,
        "second": second,
        "original": original,
        "altered": altered,
        "same": same,
        "other": other,
        "client": client,
    }


def api_for(filed: dict[str, Any], who: str) -> Api:
    world: World = filed["world"]
    return Api(filed["client"], getattr(world, who).token)


def test_the_worker_finds_copies_across_complaints(app: Flask, filed: dict[str, Any]) -> None:
    done = work(app)
    assert (done.analysed, done.matched) == (4, 4)
    prosecutor = api_for(filed, "prosecutor")
    found = prosecutor("GET", f"/complaints/{filed['first']}/related-evidence").json["items"]
    by_other = {r["other"]["evidence_id"]: r for r in found}
    assert set(by_other) == {filed["altered"], filed["same"]}
    assert by_other[filed["same"]]["identical"] is True and by_other[filed["same"]]["strength_percent"] == 100
    near = by_other[filed["altered"]]
    assert near["identical"] is False and 0 < near["distance_bits"] <= 12
    assert near["other"]["complaint_id"] == filed["second"]
    assert near["other"]["organisation"] == "上海样例有限公司"
    # Seen from the other side too, and a second round has nothing left to do.
    back = prosecutor("GET", f"/complaints/{filed['second']}/related-evidence").json["items"]
    assert {(r["evidence_id"], r["other"]["evidence_id"]) for r in back} == {
        (filed["altered"], filed["original"]),
        (filed["same"], filed["original"]),
    }
    assert work(app).matched == 0


def test_a_restarted_worker_rebuilds_its_index_and_two_workers_find_each_pair(
    app: Flask, filed: dict[str, Any], photos: dict[str, Image.Image]
) -> None:
    first_worker, second_worker = matching.FrameIndex(), matching.FrameIndex()
    work(app, first_worker)
    world: World = filed["world"]
    a = api_for(filed, "holder_a")
    turned = encoded(TRANSFORMATIONS["rotated 3°"](photos["chelsea.png"]))
    framed = encoded(TRANSFORMATIONS["white border"](photos["chelsea.png"]))
    third, (x,) = file_complaint(a, world.right_a, ("turned.jpg", turned))
    fourth, (y,) = file_complaint(a, world.right_a, ("framed.jpg", framed))
    # Each worker analyses and matches one of the two new items; neither has seen the other's.
    with app.app_context():
        db, store = get_session(), get_store()
        matching.analyse(db, store, x)
        matching.analyse(db, store, y)
        matching.match(db, first_worker, x)
        matching.match(db, second_worker, y)
    restarted = app.test_cli_runner().invoke(cli, ["worker", "--until-idle"])  # loads its index before a round
    assert restarted.exit_code == 0 and "frame index: 6 picture(s) loaded in" in restarted.stdout
    assert "frame index" not in app.test_cli_runner().invoke(cli, ["worker", "--once"]).stdout  # nothing to match
    prosecutor = api_for(filed, "prosecutor")
    found = prosecutor("GET", f"/complaints/{third}/related-evidence").json["items"]
    assert {r["other"]["evidence_id"] for r in found} == {filed["other"], y}


def test_clusters_are_largest_first_and_link_into_one_case(app: Flask, filed: dict[str, Any]) -> None:
    work(app)
    prosecutor = api_for(filed, "prosecutor")
    clusters = prosecutor("GET", "/review/clusters").json["items"]
    assert len(clusters) == 1
    # A cursor the portal did not make (well-formed, but no position) is refused, naming the parameter.
    forged = prosecutor("GET", "/review/clusters", query_string={"cursor": "bm90LWEtY3Vyc29y"})
    assert forged.status_code == 422 and forged.json["fields"] == {"cursor": "Not a cursor."}
    assert clusters[0]["complaint_ids"] == sorted([filed["first"], filed["second"]])
    assert {i["evidence_id"] for i in clusters[0]["items"]} == {filed["original"], filed["altered"], filed["same"]}
    assert clusters[0]["organisations"] == sorted(["Maison Exemple", "上海样例有限公司"])
    world: World = filed["world"]
    accepted = prosecutor(
        "POST",
        f"/complaints/{filed['first']}/decision",
        json={
            "action": "accept",
            "case": {
                "case_number": "沪检知刑诉〔2026〕7号",
                "procuratorate": "Shanghai No. 3",
                "charges": "Art. 213",
                "prosecutor_id": world.prosecutor.id,
            },
        },
    )
    assert accepted.status_code == 200, accepted.json
    case_id = accepted.json["case_id"]
    outside = prosecutor("GET", f"/cases/{case_id}/related-evidence").json["items"]
    assert {r["other"]["evidence_id"] for r in outside} == {filed["altered"], filed["same"]}
    client = app.test_client()
    sign_in(client, "p@proc.example")
    case_page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert 'id="related"' in case_page and "listing-2026.jpg" in case_page
    sign_in(client, "a@brand.example")  # the participant's view of the same case shows nothing of it
    assert 'id="related"' not in client.get(f"/cases/{case_id}").get_data(as_text=True)
    refused = prosecutor("POST", "/review/clusters/link", json={"complaint_ids": [filed["first"]], "case_id": case_id})
    assert refused.status_code == 409 and "already decided" in refused.json["detail"]
    bad = prosecutor("POST", "/review/clusters/link", json={"complaint_ids": "all", "case_id": case_id})
    assert bad.status_code == 422
    none = prosecutor("POST", "/review/clusters/link", json={"complaint_ids": [], "case_id": case_id})
    assert none.status_code == 422 and none.json["fields"]["complaint_ids"]
    missing = prosecutor("POST", "/review/clusters/link", json={"complaint_ids": [filed["second"]], "case_id": 999})
    assert missing.status_code == 404
    linked = prosecutor("POST", "/review/clusters/link", json={"complaint_ids": [filed["second"]], "case_id": case_id})
    assert linked.status_code == 200, linked.json
    assert prosecutor("GET", "/review/clusters").json["items"][0]["case_ids"] == [case_id]
    # Inside one case the evidence is no longer "elsewhere".
    assert prosecutor("GET", f"/cases/{case_id}/related-evidence").json["items"] == []


def test_the_threshold_is_the_administrators_and_filters_at_once(app: Flask, filed: dict[str, Any]) -> None:
    work(app)
    admin, prosecutor = api_for(filed, "admin"), api_for(filed, "prosecutor")
    shown = admin("GET", "/admin/match-threshold").json
    assert shown["threshold"] == 12 and shown["max"] == 14
    assert shown["trade_offs"][14]["pairs"] >= 2 and shown["trade_offs"][0]["pairs"] >= 1
    assert prosecutor("PUT", "/admin/match-threshold", json={"threshold": 5}).status_code == 403
    for bad in (15, -1, "12", True, None):
        response = admin("PUT", "/admin/match-threshold", json={"threshold": bad})
        assert response.status_code == 422, bad
        assert response.json["fields"]["threshold"]
    assert admin("PUT", "/admin/match-threshold", json={"threshold": 0}).json["threshold"] == 0
    found = prosecutor("GET", f"/complaints/{filed['first']}/related-evidence").json["items"]
    # Identical files are always related; the altered copy is more than 0 bits away.
    assert [r["other"]["evidence_id"] for r in found] == [filed["same"]]


def test_rights_holders_never_learn_of_a_match(app: Flask, filed: dict[str, Any]) -> None:
    work(app)
    holder = api_for(filed, "holder_b")
    for path in (
        f"/complaints/{filed['second']}/related-evidence",
        f"/complaints/{filed['first']}/related-evidence",
        "/review/clusters",
        "/admin/match-threshold",
    ):
        assert holder("GET", path).status_code == 403, path
    own = holder("GET", f"/evidence/{filed['altered']}").json
    assert "related" not in str(own).lower() and own["pictures"] == 1
    client = filed["client"]
    sign_in(client, "b@brand.example")
    assert client.get(f"/evidence/{filed['altered']}/previews/1").status_code == 200
    assert client.get(f"/evidence/{filed['original']}/previews/1").status_code == 404
    assert client.get(f"/review/evidence/{filed['altered']}").status_code == 403
    assert client.get("/review/clusters").status_code == 403
    page = client.get(f"/complaints/{filed['second']}").get_data(as_text=True)
    assert "Related evidence" not in page and "shop.jpg" not in page
    own = client.get(f"/evidence/{filed['altered']}").get_data(as_text=True)
    assert "Read from the file" in own and f"/evidence/{filed['altered']}/previews/1" in own
    assert "shop.jpg" not in own and "alike" not in own


def test_pages_show_related_evidence_the_workspace_and_clusters(
    app: Flask, filed: dict[str, Any], photos: dict[str, Image.Image]
) -> None:
    world: World = filed["world"]
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0132] = "Apple", "iPhone 15", "2026:10:02 14:05:09"
    out = io.BytesIO()
    photos["coffee.png"].save(out, "JPEG", exif=exif)
    third, (with_exif,) = file_complaint(api_for(filed, "holder_a"), world.right_a, ("test-buy.jpg", out.getvalue()))
    work(app)
    client = app.test_client()
    sign_in(client, "p@proc.example")
    page = client.get(f"/review/complaints/{filed['first']}").get_data(as_text=True)
    assert "Related evidence" in page and "listing-2026.jpg" in page and "Identical file" in page
    assert f"/review/evidence/{filed['altered']}" in page
    workspace = client.get(f"/review/evidence/{with_exif}")
    text = workspace.get_data(as_text=True)
    assert workspace.status_code == 200
    assert "Apple iPhone 15" in text and "2026:10:02 14:05:09" in text
    assert "listing-2026.jpg" in text  # the same picture in B's complaint
    preview = client.get(f"/evidence/{with_exif}/previews/1")
    assert preview.mimetype == "image/jpeg" and Image.open(io.BytesIO(preview.data)).size == (600, 400)
    assert client.get(f"/evidence/{with_exif}/previews/2").status_code == 404
    # Keyboard navigation through the complaint's evidence: previous and next items.
    second = client.get(f"/review/evidence/{filed['same']}").get_data(as_text=True)
    assert f'id="previous-item" href="/review/evidence/{filed["altered"]}"' in second
    assert f'id="next-item" href="/review/evidence/{filed["other"]}"' in second
    clusters = client.get("/review/clusters").get_data(as_text=True)
    assert "3 complaints" in clusters and "No case of this cluster is open yet" in clusters
    # Linking from the page: no case named, a number no case has, and no complaint ticked are each refused.
    token = csrf(client, "/review/clusters")
    ids = {"complaint_ids": [str(filed["first"]), str(filed["second"])], "csrf_token": token}
    no_case = client.post("/review/clusters/link", data=ids, follow_redirects=True).get_data(as_text=True)
    assert "Choose the case: type its number and pick it from those suggested." in no_case
    unknown = client.post("/review/clusters/link", data={**ids, "case": "K-999"}, follow_redirects=True)
    assert "No case has the number K-999" in unknown.get_data(as_text=True)
    prosecutor = api_for(filed, "prosecutor")
    opened = prosecutor(
        "POST", "/cases", json={"case_number": "沪检知刑诉〔2026〕55号", "procuratorate": "P", "charges": "C"}
    )
    none_ticked = client.post(
        "/review/clusters/link", data={"case": opened.json["case_number"], "csrf_token": token}, follow_redirects=True
    )
    assert "Choose the complaints to link." in none_ticked.get_data(as_text=True)
    # The picker offers the cases whose number holds what was typed; a number typed whole links.
    assert client.get("/cases/suggest?q=〔2026〕5").json == [
        {
            "id": opened.json["id"],
            "case_number": "沪检知刑诉〔2026〕55号",
            "procuratorate": "P",
            "stage": "Review for prosecution",
        }
    ]
    assert client.get("/cases/suggest?q=%25").json == [] and client.get("/cases/suggest?q=").json == []
    linked = client.post(
        "/review/clusters/link", data={**ids, "case": " 沪检知刑诉〔2026〕55号 "}, follow_redirects=True
    )
    assert "2 complaints linked to case 沪检知刑诉〔2026〕55号." in linked.get_data(as_text=True)
    assert {c["id"] for c in prosecutor("GET", f"/cases/{opened.json['id']}").json["complaints"]} == {
        filed["first"],
        filed["second"],
    }
    with_case = client.get("/review/clusters").get_data(as_text=True)
    assert 'value="沪检知刑诉〔2026〕55号"' in with_case
    sign_in(client, "admin@proc.example")
    matching = client.get("/admin/matching").get_data(as_text=True)
    assert "Trade-off" in matching and "bench/neardup.py" in matching
    token = csrf(client, "/admin/matching")
    refused = client.post("/admin/matching", data={"threshold": "40", "csrf_token": token})
    assert refused.status_code == 422 and "Number must be between 0 and 14" in refused.get_data(as_text=True)
    saved = client.post("/admin/matching", data={"threshold": "8", "csrf_token": token}, follow_redirects=True)
    assert "Match threshold set to 8 bits." in saved.get_data(as_text=True)


def test_a_pdf_and_a_video_are_matched_by_their_pictures_and_a_broken_file_is_reported(
    app: Flask, filed: dict[str, Any], photos: dict[str, Image.Image], tmp_path: Any
) -> None:
    from tests.evidence.test_fingerprints import _video

    world: World = filed["world"]
    listing = io.BytesIO()
    photos["chelsea.png"].save(listing, "PDF", save_all=True, append_images=[photos["coffee.png"]])
    _video(tmp_path / "test-buy.mp4", photos["coffee.png"])
    broken = b"%PDF-1.4\n" + b"0" * 2000  # a PDF header and nothing a reader can use
    third, (pdf, video, bad) = file_complaint(
        api_for(filed, "holder_a"),
        world.right_a,
        ("listing.pdf", listing.getvalue()),
        ("test-buy.mp4", (tmp_path / "test-buy.mp4").read_bytes()),
        ("scan.pdf", broken),
    )
    work(app)
    prosecutor = api_for(filed, "prosecutor")
    found = prosecutor("GET", f"/complaints/{third}/related-evidence").json["items"]
    # Page 2 of the PDF and every key frame of the video show the photo of complaint B and A's shop photo.
    pairs = {(r["evidence_id"], r["other"]["evidence_id"], r["picture"]) for r in found}
    assert (pdf, filed["altered"], 2) in pairs and (video, filed["same"], 1) in pairs
    assert any(
        r["evidence_id"] == pdf and r["other"]["evidence_id"] == filed["other"] and r["picture"] == 1 for r in found
    )
    details = prosecutor("GET", f"/evidence/{bad}").json
    assert details["pictures"] == 0 and "could not be decoded" in details["analysis_error"]
    assert prosecutor("GET", f"/evidence/{video}").json["file_metadata"]["codec"] == "h264"
    client = app.test_client()
    sign_in(client, "p@proc.example")
    page = client.get(f"/review/evidence/{bad}").get_data(as_text=True)
    assert "No preview could be made" in page
    pdf_page = client.get(f"/review/evidence/{pdf}?picture=2").get_data(as_text=True)
    assert "Page 2" in pdf_page and f"/evidence/{pdf}/previews/2" in pdf_page
    # The PDF's own creation time, which carries its zone, is shown in the reader's.
    assert prosecutor("GET", f"/evidence/{pdf}").json["file_metadata"]["created_at"].endswith("+00:00")
    created = pdf_page.split("Created</dt>")[1][:80]
    assert "+00:00" not in created and "UTC</dd>" in created
    assert f"/evidence/{pdf}/previews/1" in client.get(f"/review/complaints/{third}").get_data(as_text=True)


def test_a_missing_object_is_reported_and_an_unreachable_store_retried(app: Flask, filed: dict[str, Any]) -> None:
    from evidence.stores import open_store

    # An S3 endpoint where nothing listens.
    dead = open_store("s3://evidence/x", endpoint_url="http://127.0.0.1:9", access_key="k", secret_key="s")
    with app.app_context():
        done = matching.process_pending(get_session(), dead, matching.FrameIndex())
        assert (done.analysed, done.matched) == (0, 0)
    # The lease keeps the items from being analysed again at once; a later round, after it, does them.
    assert work(app).analysed == 0
    with app.app_context():
        db = get_session()
        db.execute(update(EvidenceItem).values(analysis_started_at=None))
        db.commit()
        get_store().delete(db.get_one(EvidenceItem, filed["other"]).storage_key)
    assert work(app).analysed == 4
    prosecutor = api_for(filed, "prosecutor")
    assert "is missing" in prosecutor("GET", f"/evidence/{filed['other']}").json["analysis_error"]


def test_a_complaints_own_copies_and_drafts_elsewhere_are_not_related(
    app: Flask, filed: dict[str, Any], photos: dict[str, Image.Image]
) -> None:
    world: World = filed["world"]
    a, b = api_for(filed, "holder_a"), api_for(filed, "holder_b")
    rocket = photos["rocket.jpg"]
    both, (picture, its_copy) = file_complaint(
        a,
        world.right_a,
        ("rocket.jpg", encoded(rocket)),
        ("rocket-small.jpg", encoded(TRANSFORMATIONS["resized to 50 %"](rocket))),
    )
    draft = b.draft(world.right_b)["id"]  # the same file and a copy, in a complaint not yet filed
    for name, data in (("rocket.jpg", encoded(rocket)), ("copy.jpg", encoded(TRANSFORMATIONS["5 % crop"](rocket)))):
        assert b.upload(draft, data, filename=name).status_code == 201
    work(app)
    prosecutor = api_for(filed, "prosecutor")
    assert prosecutor("GET", f"/complaints/{both}/related-evidence").json["items"] == []
    # Once filed, the draft's files are related from both sides, the identical one first for each picture.
    assert b("POST", f"/complaints/{draft}/submit").status_code == 200
    found = prosecutor("GET", f"/complaints/{both}/related-evidence").json["items"]
    assert {r["evidence_id"] for r in found} == {picture, its_copy}
    assert {r["other"]["complaint_id"] for r in found} == {draft}
    assert [r["identical"] for r in found if r["evidence_id"] == picture][0] is True


# PostgreSQL's planner is the one that walked the primary key past every finished item.
@pytest.mark.parametrize("stack_env", ["pg-s3"], indirect=True)
def test_the_worker_claims_from_its_partial_indexes_behind_many_finished_items(
    app: Flask, filed: dict[str, Any]
) -> None:
    work(app)
    engine = app.extensions["db_engine"]
    columns = ", ".join(c.name for c in EvidenceItem.__table__.columns if c.name != "id")
    with engine.begin() as conn:
        # 20,000 finished items, then 100 waiting for analysis and 100 analysed but not matched.
        copies = f"INSERT INTO evidence_items ({columns}) SELECT {columns} FROM evidence_items"  # noqa: S608 - the model's names
        conn.execute(text(copies + " CROSS JOIN generate_series(1, 5000) WHERE analysed_at IS NOT NULL"))
        conn.execute(text("UPDATE evidence_items SET analysed_at = NULL, matched_at = NULL, "
                          "analysis_started_at = NULL, media_type = 'image/jpeg' "
                          "WHERE id > (SELECT max(id) - 200 FROM evidence_items)"))  # fmt: skip
        conn.execute(text("UPDATE evidence_items SET analysed_at = now() "
                          "WHERE id > (SELECT max(id) - 200 FROM evidence_items) AND id % 2 = 0"))  # fmt: skip
        conn.execute(text("ANALYZE evidence_items"))
    claims: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().startswith("SELECT evidence_items.id"):
            claims.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        with app.app_context():
            assert len(matching.claim_analysis(get_session(), matching.ROUND)) == matching.ROUND
            assert len(matching.claim_matching(get_session(), matching.ROUND * 10)) == matching.ROUND * 10
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    plans = []
    with engine.connect() as conn:
        for statement, parameters in claims:
            plans.append("\n".join(row[0] for row in conn.exec_driver_sql("EXPLAIN " + statement, parameters)))
    assert "ix_evidence_items_to_analyse" in plans[0], plans[0]
    assert "ix_evidence_items_to_match" in plans[1], plans[1]
