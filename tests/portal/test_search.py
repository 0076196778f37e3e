"""Search across complaints in Chinese and English, on SQLite FTS5 and PostgreSQL full-text search."""

from __future__ import annotations

from flask import Flask

from portal.services.search import index_terms, query_terms
from tests.factories import Api, make_world
from tests.portal.test_pages import sign_in


def test_terms_cut_chinese_into_characters_and_pairs() -> None:
    assert index_terms("假貨 Handbags") == ["假", "货", "假货", "handbags"]
    assert query_terms("深圳 假货贸易 BAGS") == [
        ("深圳", False),
        ("假货", False),
        ("货贸", False),
        ("贸易", False),
        ("bags", True),
    ]
    assert query_terms("假") == [("假", False)]
    assert query_terms("!!! ...") == []


def test_search_finds_complaints_by_what_they_say_in_either_language(app: Flask) -> None:
    world = make_world(app)
    client = app.test_client()
    holder, other, prosecutor = (Api(client, a.token) for a in (world.holder_a, world.holder_b, world.prosecutor))
    first, _ = holder.submitted(world.right_a)  # "Counterfeit handbags on an online shop", Fake Store Ltd
    second = other.draft(
        world.right_b,
        title="淘宝店铺销售假冒手提包",
        facts="深圳市假貨貿易有限公司在淘宝开设店铺，销售假冒品牌手提包。",
        infringers=[{"name": "深圳市假货贸易有限公司", "shop_urls": ["https://shop998877.taobao.com/"]}],
    )
    other.upload(second["id"], b"%PDF-1.4\n%%EOF\n", filename="公证书-2026.pdf")
    assert other("POST", f"/complaints/{second['id']}/submit").status_code == 200
    draft = holder.draft(world.right_a, title="Draft about handbags")

    def found(query: str) -> list[int]:
        response = prosecutor("GET", f"/review/search?q={query}")
        assert response.status_code == 200, response.json
        return [c["id"] for c in response.json["items"]]

    assert found("handbags") == [first]  # the draft is not searched
    assert found("HANDBAG") == [first]  # a word matches as a prefix
    assert found("fake store") == [first]
    assert found("假货贸易") == [second["id"]]  # simplified finds the traditional facts
    assert found("假貨") == [second["id"]]
    assert found("手提包") == [second["id"]]
    assert found("shop998877") == [second["id"]]
    assert found("公证书") == [second["id"]]  # an evidence file name
    assert found("handbags 假货") == []  # every term must match
    assert draft["id"] not in found("draft")

    accepted = prosecutor(
        "POST",
        f"/complaints/{second['id']}/decision",
        json={
            "action": "accept",
            "case": {"case_number": "沪检知刑诉〔2026〕77号", "procuratorate": "P", "charges": "C"},
        },
    )
    assert accepted.status_code == 200
    assert found("2026 77") == [second["id"]]  # the case number, once linked

    # Pages by key, newest submission first, both ways; the total is exact below the ceiling.
    more = [holder.submitted(world.right_a)[0] for _ in range(2)]
    bearer = {"Authorization": f"Bearer {world.prosecutor.token}"}
    page = client.get("/api/v1/review/search?q=counterfeit&limit=2", headers=bearer).json
    assert [c["id"] for c in page["items"]] == more[::-1] and page["previous"] is None
    assert page["total"] == 3 and page["total_exact"] is True
    last = client.get(page["next"], headers=bearer).json
    assert [c["id"] for c in last["items"]] == [first] and last["next"] is None
    assert [c["id"] for c in client.get(last["previous"], headers=bearer).json["items"]] == more[::-1]
    assert prosecutor("GET", "/review/search?q=counterfeit&cursor=bogus").status_code == 422

    for bad in ("", "!!!", "x" * 201):
        assert prosecutor("GET", f"/review/search?q={bad}").status_code == 422
    assert holder("GET", "/review/search?q=handbags").status_code == 403
    browser = app.test_client()
    sign_in(browser, world.prosecutor.email)
    shown = browser.get("/review/search?q=手提包").get_data(as_text=True)
    assert f"C-{second['id']:06d}" in shown and "1 complaint" in shown
    assert browser.get("/review/search?q=!!!").status_code == 422


def test_reindex_rebuilds_missing_documents(app: Flask) -> None:
    from sqlalchemy import delete

    from portal.cli import cli
    from portal.db import get_session
    from portal.models import SearchDocument

    world = make_world(app)
    client = app.test_client()
    holder, prosecutor = Api(client, world.holder_a.token), Api(client, world.prosecutor.token)
    first, _ = holder.submitted(world.right_a)
    with app.app_context():
        db = get_session()
        db.execute(delete(SearchDocument))
        db.commit()
    assert prosecutor("GET", "/review/search?q=handbags").json["items"] == []
    result = app.test_cli_runner().invoke(cli, ["search", "reindex", "--missing"])
    assert result.exit_code == 0 and result.stdout.strip() == "indexed 1 complaint(s)"
    assert [c["id"] for c in prosecutor("GET", "/review/search?q=handbags").json["items"]] == [first]


def test_a_complaint_drafted_without_a_search_document_is_indexed_when_submitted(app: Flask) -> None:
    from sqlalchemy import delete

    from portal.db import get_session
    from portal.models import SearchDocument

    world = make_world(app)
    client = app.test_client()
    holder, prosecutor = Api(client, world.holder_a.token), Api(client, world.prosecutor.token)
    draft = holder.draft(world.right_a, title="Replica watches sold at a market stall")
    assert holder.upload(draft["id"], b"%PDF-1.4\n%%EOF\n", filename="notarised-purchase.pdf").status_code == 201
    with app.app_context():  # as if drafted before search documents were kept
        db = get_session()
        db.execute(delete(SearchDocument).where(SearchDocument.complaint_id == draft["id"]))
        db.commit()
    assert holder("POST", f"/complaints/{draft['id']}/submit").status_code == 200
    for query in ("replica", "notarised"):
        assert [c["id"] for c in prosecutor("GET", f"/review/search?q={query}").json["items"]] == [draft["id"]]
