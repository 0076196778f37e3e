"""Bulk filing: the template, a batch checked row by row and column by column, filed once, on both stacks."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from evidence.keys import KeyDirectory
from portal.db import get_session
from portal.models import (
    Complaint,
    ComplaintStatus,
    EvidenceItem,
    FilingBatch,
    OrgKind,
    OrgRole,
    Receipt,
    Role,
    User,
)
from portal.services import accounts, batch_sheets, batches, receipts
from portal.storage import get_store
from tests.factories import PDF_BYTES, Api, World, make_user, make_world, png_bytes
from tests.portal.test_agents import grant
from tests.portal.test_pages import csrf, sign_in
from tests.portal.test_tus import begin, patch, path_of

HEADER = [column.name for column in batch_sheets.COLUMNS]


def xlsx(rows: list[dict[str, Any]], header: list[str] = HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(name) for name in header])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_sheet(rows: list[dict[str, Any]], header: list[str] = HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
    return out.getvalue().encode()


def zipped(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def send(
    api: Api, sheet: bytes, archive: bytes | None = None, submit: bool = False, name: str = "sweep.xlsx", **kw: Any
) -> TestResponse:
    data: dict[str, Any] = {"sheet": (io.BytesIO(sheet), name), "submit": "true" if submit else "false"}
    if archive is not None:
        data["archive"] = (io.BytesIO(archive), "evidence.zip")
    return api("POST", "/batches", data=data, content_type="multipart/form-data", **kw)


def good_row(number: int, right: str = "TM-right_a", **changes: Any) -> dict[str, Any]:
    return {
        "title": f"Counterfeit handbags, listing {number}",
        "rights": right,
        "infringer_name": f"Shop {number}",
        "infringer_platform": "Taobao",
        "infringer_shop_urls": f"https://shop{number}.example.com/item/{number}",
        "facts": "The listing offers bags bearing the mark at a tenth of the price.",
        "discovered_on": date(2026, 11, 2),
        "discovery_method": "Marketplace sweep",
        "illegal_volume": 1250.5,
        "units": 40,
        "evidence_kind": "web_capture",
        "evidence": f"captures/listing-{number}.png",
        **changes,
    }


def count(app: Flask, model: Any) -> int:
    with app.app_context():
        return get_session().scalar(select(func.count()).select_from(model)) or 0


def errors_of(answer: TestResponse) -> dict[int, dict[str, str]]:
    return {row["row"]: {e["column"]: e["message"] for e in row["errors"]} for row in answer.json["rows"]}


def test_the_template_names_every_column(client: FlaskClient, app: Flask) -> None:
    world = make_world(app)
    holder = Api(client, world.holder_a.token)
    workbook = holder("GET", "/batches/template")
    assert workbook.status_code == 200
    assert workbook.headers["Content-Disposition"].startswith("attachment")
    book = load_workbook(io.BytesIO(workbook.data))
    assert [cell.value for cell in book["complaints"][1]] == HEADER
    helped = {line[0].value: line[1].value for line in book["help"].iter_rows(min_row=2) if line[0].value}
    assert set(HEADER) <= set(helped) and "ZIP" in helped["evidence"]
    plain = holder("GET", "/batches/template?format=csv")
    assert plain.mimetype == "text/csv"
    assert next(csv.reader(io.StringIO(plain.data.decode("utf-8-sig")))) == HEADER
    # The template, filled in and sent back as it is, reads.
    assert batch_sheets.read(plain.data + b",Title only\r\n")[0].values["title"] == "Title only"
    assert holder("GET", "/batches/template?format=pdf").status_code == 422


# 300 rows take a minute or more: once, on the embedded stack; the ZIP in S3 is filed by the tests below.
@pytest.mark.parametrize("stack_env", ["sqlite-dir"], indirect=True)
def test_a_300_row_batch_with_evidence_is_filed_once(app: Flask, client: FlaskClient) -> None:
    world = make_world(app)
    holder = Api(client, world.holder_a.token)
    # The last row's evidence is a video sent by resumable upload; the others are in the ZIP.
    created = begin(holder, len(PDF_BYTES), filename="test-purchase.pdf")
    assert patch(holder, path_of(created), 0, PDF_BYTES).status_code == 204
    upload_id = path_of(created).rsplit("/", 1)[1]
    rows = [good_row(n) for n in range(1, 300)] + [good_row(300, evidence=f"captures/listing-1.png; {upload_id}")]
    # Web captures as PDFs: each picture would be decoded in a sandboxed process, a second apiece.
    rows = [{**row, "evidence": row["evidence"].replace(".png", ".pdf")} for row in rows]
    files = {f"captures/listing-{n}.pdf": PDF_BYTES + b"%% capture %d" % n for n in range(1, 300)}
    sheet, archive = xlsx(rows), zipped(files)

    checked = send(holder, sheet, archive, submit=True, headers={"Idempotency-Key": "sweep-2026-11"})
    assert checked.status_code == 201, checked.json
    body = checked.json
    assert body["counts"] == {"rows": 300, "ready": 300, "invalid": 0, "filed": 0, "failed": 0}
    assert body["rows"][0]["row"] == 2 and body["rows"][0]["evidence"] == ["captures/listing-1.pdf"]
    assert body["archive"] == "evidence.zip" and body["submit"] is True
    assert count(app, Complaint) == 0  # checked, nothing filed

    replayed = send(holder, sheet, archive, submit=True, headers={"Idempotency-Key": "sweep-2026-11"})
    assert replayed.headers.get("Idempotent-Replayed") == "true" and replayed.json["id"] == body["id"]
    assert count(app, FilingBatch) == 1

    filed = holder("POST", f"/batches/{body['id']}/file")
    assert filed.status_code == 200, filed.json
    assert filed.json["counts"] == {"rows": 300, "ready": 0, "invalid": 0, "filed": 300, "failed": 0}
    assert filed.json["archive"] is None  # the ZIP is dropped once filed
    with app.app_context():
        db = get_session()
        statuses = db.scalars(select(Complaint.status).distinct())
        assert set(statuses) == {ComplaintStatus.SUBMITTED}
        assert db.scalar(select(func.count()).select_from(EvidenceItem)) == 301
        assert db.scalar(select(func.count()).select_from(Receipt)) == 301
        last = db.scalar(select(Complaint).where(Complaint.title == "Counterfeit handbags, listing 300"))
        assert last is not None and last.infringers[0].platform == "Taobao"
        assert {i.filename for i in db.scalars(select(EvidenceItem).where(EvidenceItem.complaint_id == last.id))} == {
            "listing-1.pdf",
            "test-purchase.pdf",
        }
    complaint = filed.json["rows"][0]["complaint_id"]
    assert holder("GET", f"/complaints/{complaint}").json["status"] == "submitted"

    again = holder("POST", f"/batches/{body['id']}/file")
    assert again.status_code == 200 and again.json["counts"]["filed"] == 300
    assert count(app, Complaint) == 300 and count(app, EvidenceItem) == 301

    listing = holder("GET", f"/batches/{body['id']}/receipts")
    assert listing.status_code == 200 and listing.mimetype == "text/csv"
    lines = list(csv.DictReader(io.StringIO(listing.data.decode("utf-8-sig"))))
    assert len(lines) == 301
    assert all(line["outcome"] == "filed" and len(line["sha256"]) == 64 and line["log_index"] for line in lines)
    assert {line["complaint_status"] for line in lines} == {"submitted"}


def test_a_broken_batch_names_every_bad_field(app: Flask, client: FlaskClient) -> None:
    world = make_world(app)
    holder = Api(client, world.holder_a.token)
    future = (date.today() + timedelta(days=30)).isoformat()
    rows = [
        good_row(1),  # row 2: valid
        good_row(2, title=""),  # row 3
        good_row(3, discovered_on="2nd of May"),
        good_row(4, discovered_on=future),
        good_row(5, illegal_volume="-5"),
        good_row(6, illegal_volume="a lot"),
        good_row(7, units="many"),
        good_row(8, currency="EURO"),
        good_row(9, language="fr"),
        good_row(10, evidence_kind="photo"),
        good_row(11, rights="TM-unknown"),
        good_row(12, rights="TM-right_b"),  # holder B's right
        good_row(13, infringer_shop_urls="ftp://files.example.com/x"),
        good_row(14, infringer_2_platform="JD.com"),  # a second infringer without a name
        good_row(15, evidence="captures/missing.png"),
        good_row(16, evidence="tool.exe"),
        good_row(17, principal="上海样例有限公司"),  # a rights holder files only for itself
        good_row(18, title="x" * 201),
        good_row(19, facts=""),  # submitting needs the facts
        good_row(20, evidence=""),  # ... and evidence
        good_row(21, evidence="captures/listing-1.png; AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
    ]
    files = {f"captures/listing-{n}.png": png_bytes(color=(n, 1, 1)) for n in range(1, 22)}
    files["tool.exe"] = b"MZ\x90\x00" + bytes(2000)
    answer = send(holder, csv_sheet(rows), zipped(files), submit=True, name="sweep.csv")
    assert answer.status_code == 201, answer.json
    report = errors_of(answer)
    expected = {
        2: set(),
        3: {"title"},
        4: {"discovered_on"},
        5: {"discovered_on"},
        6: {"illegal_volume"},
        7: {"illegal_volume"},
        8: {"units"},
        9: {"currency"},
        10: {"language"},
        11: {"evidence_kind"},
        12: {"rights"},
        13: {"rights"},
        14: {"infringer_shop_urls"},
        15: {"infringer_2_name"},
        16: {"evidence"},
        17: {"evidence"},
        18: {"principal"},
        19: {"title"},
        20: {"facts"},
        21: {"evidence"},
        22: {"evidence"},
    }
    assert {row: set(found) for row, found in report.items()} == expected
    assert report[4]["discovered_on"] == "Write the date as YYYY-MM-DD."
    assert report[5]["discovered_on"] == "The discovery date is in the future."
    assert "TM-unknown" in report[12]["rights"] and "TM-right_b" in report[13]["rights"]
    assert "ftp://files.example.com/x" in report[14]["infringer_shop_urls"]
    assert "captures/missing.png" in report[16]["evidence"] and "not accepted" in report[17]["evidence"]
    assert report[19]["title"] == "Longer than 200 characters."
    assert "AAAAAAAA" in report[22]["evidence"]
    assert answer.json["counts"]["ready"] == 1 and answer.json["counts"]["invalid"] == 20
    assert count(app, Complaint) == 0

    filed = Api(client, world.holder_a.token)("POST", f"/batches/{answer.json['id']}/file").json
    assert (filed["counts"]["filed"], filed["counts"]["invalid"]) == (1, 20)
    assert count(app, Complaint) == 1


SHEET_REFUSALS = [
    (b"", "sheet", "empty"),
    (png_bytes(), "sheet", "UTF-8"),
    (b"\xd0\xcf\x11\xe0" + bytes(600), "sheet", ".xls"),
    (b"PK\x03\x04broken", "sheet", "workbook"),
    (b"title,colour\r\nBags,red\r\n", "colour", "colour"),
    (b"title,title\r\nBags,Bags\r\n", "title", "twice"),
    (b"facts\r\nSomething\r\n", "title", "title column"),
    (b"title\r\n", "sheet", "no complaints"),
    ("title\r\nSacs contrefaits\r\n".encode("latin-1").replace(b"Sacs", b"Sacs \xe9"), "sheet", "UTF-8"),
    (b'title\r\n"unclosed\r\n', "sheet", "cannot be read"),
    (b"title\r\n" + b"Bags\r\n" * (batch_sheets.MAX_ROWS + 1), "sheet", "at most"),
]


@pytest.mark.parametrize(("sheet", "field", "said"), SHEET_REFUSALS)
def test_a_sheet_the_portal_cannot_read_is_refused_by_name(
    app: Flask, client: FlaskClient, sheet: bytes, field: str, said: str
) -> None:
    world = make_world(app)
    answer = send(Api(client, world.holder_a.token), sheet, name="sweep.csv")
    assert answer.status_code == 422, answer.json
    assert field in answer.json["fields"] and said in answer.json["detail"]
    assert count(app, FilingBatch) == 0


def test_bad_requests_to_check_a_batch(app: Flask, client: FlaskClient) -> None:
    world = make_world(app)
    holder = Api(client, world.holder_a.token)
    sheet = csv_sheet([good_row(1, evidence="")])
    assert holder("POST", "/batches", json={"sheet": "x"}).status_code == 415
    stray = holder(
        "POST",
        "/batches",
        data={"sheet": (io.BytesIO(sheet), "s.csv"), "mode": "x"},
        content_type="multipart/form-data",
    )
    assert stray.status_code == 422 and stray.json["fields"] == {"mode": "Not a field of this form."}
    maybe = holder(
        "POST",
        "/batches",
        data={"sheet": (io.BytesIO(sheet), "s.csv"), "submit": "maybe"},
        content_type="multipart/form-data",
    )
    assert maybe.status_code == 422 and "submit" in maybe.json["fields"]
    missing = holder("POST", "/batches", data={"submit": "false"}, content_type="multipart/form-data")
    assert missing.status_code == 422 and missing.json["fields"] == {"sheet": "Required."}
    not_zip = send(holder, sheet, b"not a zip at all")
    assert not_zip.status_code == 422 and not_zip.json["fields"] == {"archive": "Not a ZIP file."}
    assert holder("GET", "/batches/" + "A" * 32).status_code == 404
    assert holder("POST", "/batches/" + "A" * 32 + "/file").status_code == 404
    assert holder("GET", "/batches/short").status_code == 404
    assert count(app, FilingBatch) == 0


def test_only_filers_check_batches_and_only_their_own(app: Flask, client: FlaskClient) -> None:
    world = make_world(app)
    holder, other = Api(client, world.holder_a.token), Api(client, world.holder_b.token)
    with app.app_context():
        viewer = make_user(Role.HOLDER, "viewer@brand.example", world.holder_a.org_id)
        member = get_session().get_one(User, viewer.id)
        member.org_role = OrgRole.VIEWER
        get_session().commit()
        reader = Api(client, accounts_token(viewer.id, ["read"]))
    sheet = csv_sheet([good_row(1, evidence="")])
    for refused in (Api(client, world.prosecutor.token), Api(client, world.admin.token), Api(client, viewer.token)):
        assert send(refused, sheet).status_code == 403
    lacking = send(reader, sheet)
    assert lacking.status_code == 403 and lacking.json["code"] == "insufficient_scope"
    batch = send(holder, sheet).json["id"]
    for path in (f"/batches/{batch}", f"/batches/{batch}/receipts"):
        assert other("GET", path).status_code == 404
        assert Api(client, world.prosecutor.token)("GET", path).status_code == 404
    assert other("POST", f"/batches/{batch}/file").status_code == 404
    assert count(app, Complaint) == 0


def accounts_token(user_id: int, scopes: list[str]) -> str:
    from portal.models import TokenScope
    from portal.services import tokens

    db = get_session()
    user = db.get_one(User, user_id)
    return tokens.create(db, user, "narrow", {TokenScope(s) for s in scopes}).secret


def test_an_agent_files_for_the_principals_named_in_each_row(make_app: Callable[..., Flask]) -> None:
    app = make_app()
    world = make_world(app)
    with app.app_context():
        firm = accounts.create_organisation(get_session(), "Brand Protection Ltd", "GB", False, OrgKind.AGENT)
        agent_actor = make_user(Role.HOLDER, "sweeps@vendor.example", firm.id)
    client = app.test_client()
    agent = Api(client, agent_actor.token)
    assert grant(Api(client, world.holder_a.token), firm.id).status_code == 201
    rows = [
        good_row(1, principal="maison exemple", evidence=""),  # by name, in any case
        good_row(2, principal=str(world.holder_a.org_id), evidence=""),  # or by number
        good_row(3, principal="上海样例有限公司", rights="TM-right_b", evidence=""),  # no power from B
        good_row(4, evidence=""),  # an agent names the principal
    ]
    answer = send(agent, csv_sheet(rows))
    report = errors_of(answer)
    assert report[2] == {} and report[3] == {}
    assert "上海样例有限公司" in report[4]["principal"] and set(report[4]) == {"principal"}
    assert set(report[5]) == {"principal"}
    assert [row["principal"] for row in answer.json["rows"]][:2] == ["Maison Exemple", "Maison Exemple"]
    filed = agent("POST", f"/batches/{answer.json['id']}/file").json
    assert filed["counts"]["filed"] == 2
    with app.app_context():
        orgs = set(get_session().scalars(select(Complaint.org_id)))
        statuses = set(get_session().scalars(select(Complaint.status)))
    assert orgs == {world.holder_a.org_id} and statuses == {ComplaintStatus.DRAFT}


def _holder(app: Flask, world: World) -> User:
    return get_session().get_one(User, world.holder_a.id)


def test_a_filing_cut_off_goes_on_where_it_stopped(app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    world = make_world(app)
    holder = Api(client, world.holder_a.token)
    rows = [good_row(n) for n in range(1, 6)]
    files = {f"captures/listing-{n}.png": png_bytes(color=(n, 90, 9)) for n in range(1, 6)}
    batch_id = send(holder, xlsx(rows), zipped(files)).json["id"]
    with app.app_context():
        # The portal's signing keys go missing after the first complaint was made: the filing stops there.
        keyless = receipts.Notary(keys=KeyDirectory(tmp_path / "no-keys"), origin="test", timestamps=None)
        with pytest.raises(Exception, match="cannot sign receipts"):
            batches.file(get_session(), get_store(), keyless, _holder(app, world), batch_id, 10**9)
        get_session().rollback()
    assert count(app, Complaint) == 1 and count(app, EvidenceItem) == 0
    state = holder("GET", f"/batches/{batch_id}").json
    assert state["filed_at"] is None and state["counts"]["ready"] == 5 and state["archive"] == "evidence.zip"
    finished = holder("POST", f"/batches/{batch_id}/file").json
    assert finished["counts"]["filed"] == 5
    assert count(app, Complaint) == 5 and count(app, EvidenceItem) == 5


def test_a_row_refused_while_filing_is_marked_and_the_rest_filed(app: Flask, client: FlaskClient) -> None:
    world = make_world(app)
    holder = Api(client, world.holder_a.token)
    with app.app_context():
        from portal.models import RightType
        from portal.services import complaints

        spare = complaints.add_right(
            get_session(),
            _holder(app, world),
            complaints.RightInput(RightType.TRADEMARK, "TM-spare", "CNIPA", "Owner"),
        ).id
    rows = [good_row(1, evidence=""), good_row(2, rights="TM-spare", evidence="")]
    batch_id = send(holder, csv_sheet(rows)).json["id"]
    assert holder("POST", f"/rights/{spare}/retire").status_code == 200
    filed = holder("POST", f"/batches/{batch_id}/file").json
    assert (filed["counts"]["filed"], filed["counts"]["failed"]) == (1, 1)
    assert filed["rows"][1]["errors"][0]["column"] in {"right_ids", "row"}
    assert count(app, Complaint) == 1


def test_an_unfiled_batch_and_its_zip_expire(app: Flask, client: FlaskClient) -> None:
    world = make_world(app)
    holder = Api(client, world.holder_a.token)
    batch_id = send(holder, csv_sheet([good_row(1)]), zipped({"captures/listing-1.png": png_bytes()})).json["id"]
    with app.app_context():
        db = get_session()
        store = get_store()
        assert batches.live(db, {batch_id}) == {batch_id}
        assert batches.expire(db, store) == []
        later = batches.KEPT_FOR + timedelta(hours=1)
        from portal.models import utcnow

        assert batches.expire(db, store, utcnow() + later) == [batch_id]
        assert batches.live(db, {batch_id}) == set()
        assert not [entry for entry in store.listing("staging") if batch_id in entry.key]
    assert holder("GET", f"/batches/{batch_id}").status_code == 404


def test_the_pages_check_and_file_a_batch(app: Flask, client: FlaskClient) -> None:
    world = make_world(app)
    sign_in(client, world.holder_a.email)
    page = client.get("/batches/")
    assert page.status_code == 200 and "template.xlsx" in page.text and "No batches yet" in page.text
    token = csrf(client, "/batches/")
    refused = client.post(
        "/batches/",
        data={"csrf_token": token, "intent": "draft", "sheet": (io.BytesIO(b"title,colour\r\nx,y\r\n"), "s.csv")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422 and "colour" in refused.text
    no_sheet = client.post(
        "/batches/", data={"csrf_token": token, "intent": "draft"}, content_type="multipart/form-data"
    )
    assert no_sheet.status_code == 422 and "Choose the sheet." in no_sheet.text
    rows = [good_row(1), good_row(2, units="many")]
    sent = client.post(
        "/batches/",
        data={
            "csrf_token": token,
            "intent": "submit",
            "sheet": (io.BytesIO(xlsx(rows)), "sweep.xlsx"),
            "archive": (io.BytesIO(zipped({"captures/listing-1.png": png_bytes(), "x.png": png_bytes()})), "e.zip"),
        },
        content_type="multipart/form-data",
    )
    assert sent.status_code == 302
    report = client.get(sent.headers["Location"])
    assert "Write a whole number." in report.text and "File 1 as submitted complaints" in report.text
    batch_id = sent.headers["Location"].rstrip("/").rsplit("/", 1)[1]
    filed = client.post(f"/batches/{batch_id}/file", data={"csrf_token": token}, follow_redirects=True)
    assert "1 complaints filed." in filed.text and "receipts.csv" in filed.text
    assert client.get(f"/batches/{batch_id}/receipts.csv").mimetype == "text/csv"
    assert "sweep.xlsx" in client.get("/batches/").text
    with app.app_context():
        assert get_session().scalar(select(Complaint.status)) is ComplaintStatus.SUBMITTED
    with app.app_context():
        _holder(app, world).language = "zh"
        get_session().commit()
    assert "批次" in client.get(f"/batches/{batch_id}").text and "批量" in client.get("/batches/").text


def test_receipt_list_cells_never_run_as_formulas(app: Flask, client: FlaskClient) -> None:
    world = make_world(app)
    holder = Api(client, world.holder_a.token)
    batch_id = send(holder, csv_sheet([good_row(1, title='=HYPERLINK("http://evil")', evidence="")])).json["id"]
    holder("POST", f"/batches/{batch_id}/file")
    lines = list(csv.DictReader(io.StringIO(holder("GET", f"/batches/{batch_id}/receipts").data.decode("utf-8-sig"))))
    assert lines[0]["title"].startswith("'=")
