"""Shared infringers: names, shops and domains normalised, and complaints that name the same one."""

from __future__ import annotations

import pytest
from flask import Flask

from portal.services.infringer_keys import name_key, url_key
from tests.factories import Api, make_world
from tests.portal.test_pages import sign_in


@pytest.mark.parametrize(
    ("variants", "key"),
    [
        (
            ["Fake Store Co., Ltd.", "FAKE STORE LIMITED", "Fake-Store Co.,Ltd", "ＦＡＫＥ　ＳＴＯＲＥ　ＬＴＤ"],
            "fakestore",
        ),
        (["Acme GmbH & Co. KG", "ACME GmbH", "Acme, Inc.", "acme s.a.r.l."], "acme"),
        (
            [
                "深圳市假货贸易有限公司",
                "深圳市假貨貿易有限公司",
                "深圳市假货贸易有限责任公司",
                "深圳市假货贸易股份有限公司",
            ],
            "深圳市假货贸易",
        ),
        (["上海名品商行", "上海名品 商行", "上海名品（集团）公司"], "上海名品"),
        (["Shenzhen Fake Trading Co Ltd", "SHENZHEN FAKE TRADING COMPANY LIMITED"], "shenzhenfaketrading"),
        (["臺北精品有限公司", "台北精品有限公司", "台北精品"], "台北精品"),
    ],
)
def test_name_variants_share_one_key(variants: list[str], key: str) -> None:
    assert {name_key(v) for v in variants} == {key}


@pytest.mark.parametrize("name", ["Ltd", "有限公司", "Co.", "Company Limited", "  ", "-"])
def test_a_legal_form_alone_is_not_a_name(name: str) -> None:
    assert name_key(name) is None


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://shop123456.taobao.com/index.htm", ("shop", "taobao.com:123456")),
        ("https://item.taobao.com/item.htm?id=1&user_number_id=123456", ("shop", "taobao.com:123456")),
        ("https://nikeshop.tmall.com/", ("shop", "tmall.com:nikeshop")),
        ("https://mall.jd.com/index-1000123.html", ("shop", "jd.com:1000123")),
        ("https://www.amazon.co.uk/s?me=A1B2C3", ("shop", "amazon.com:a1b2c3")),
        ("https://www.amazon.com/sp?seller=a1b2c3", ("shop", "amazon.com:a1b2c3")),
        ("https://www.ebay.de/str/fakestore", ("shop", "ebay.com:fakestore")),
        ("https://mobile.yangkeduo.com/mall_page.html?mall_id=999", ("shop", "yangkeduo.com:999")),
        ("http://WWW.Fake-Store.com.cn/shop", ("domain", "fake-store.com.cn")),
        ("fake-store.com.cn/bags", ("domain", "fake-store.com.cn")),
        ("https://ｆａｋｅ-store.com.cn", ("domain", "fake-store.com.cn")),
        ("https://bags.myshopify.com/", ("domain", "bags.myshopify.com")),
    ],
)
def test_urls_give_the_shop_or_the_domain(url: str, key: tuple[str, str]) -> None:
    assert url_key(url) == key


@pytest.mark.parametrize(
    "url", ["https://item.taobao.com/item.htm?id=5", "not a url", "https://localhost/x", "https://co.uk/", ""]
)
def test_urls_that_name_no_shop_give_no_key(url: str) -> None:
    assert url_key(url) is None


def test_complaints_naming_the_same_infringer_are_listed_together(app: Flask) -> None:
    world = make_world(app)
    client = app.test_client()
    holder, other, prosecutor = (Api(client, a.token) for a in (world.holder_a, world.holder_b, world.prosecutor))
    first, _ = holder.submitted(world.right_a)  # "Fake Store Ltd", https://shop.example/fake
    second = other.draft(
        world.right_b,
        infringers=[{"name": "FAKE STORE LIMITED", "shop_urls": ["https://shop123.taobao.com/"]}],
    )
    other.upload(second["id"], b"%PDF-1.4\n%%EOF\n")
    assert other("POST", f"/complaints/{second['id']}/submit").status_code == 200
    third = holder.draft(world.right_a, infringers=[{"name": "Unrelated", "shop_urls": ["https://shop123.taobao.com"]}])

    shared = prosecutor("GET", f"/complaints/{first}/shared-infringers").json["items"]
    assert [(s["kind"], s["value"], [c["id"] for c in s["complaints"]]) for s in shared] == [
        ("name", "fakestore", [second["id"]])
    ]
    groups = prosecutor("GET", "/review/infringers").json["items"]
    assert [(g["kind"], g["value"]) for g in groups] == [("name", "fakestore")]  # the draft's shop is not filed yet
    assert third["id"] not in {c["id"] for g in groups for c in g["complaints"]}

    # Counted as complaints are filed; each key lists the ten submitted last, and the list pages both ways.
    more = [holder.submitted(world.right_a)[0] for _ in range(11)]
    counted = prosecutor("GET", "/review/infringers").json
    assert [(g["kind"], g["value"], g["complaint_count"]) for g in counted["items"]] == [
        ("domain", "shop.example", 12),
        ("name", "fakestore", 13),
    ] or [(g["kind"], g["value"], g["complaint_count"]) for g in counted["items"]] == [
        ("name", "fakestore", 13),
        ("domain", "shop.example", 12),
    ]
    by_name = next(g for g in counted["items"] if g["kind"] == "name")
    assert [c["id"] for c in by_name["complaints"]] == more[::-1][:10] and counted["total"] == 2
    assert [g["complaint_count"] for g in counted["items"]] == sorted((12, 13), reverse=True)
    bearer = {"Authorization": f"Bearer {world.prosecutor.token}"}
    first_page = client.get("/api/v1/review/infringers?limit=1", headers=bearer).json
    second_page = client.get(first_page["next"], headers=bearer).json
    assert [g["complaint_count"] for g in first_page["items"] + second_page["items"]] == [13, 12]
    assert second_page["next"] is None and first_page["previous"] is None
    assert client.get(second_page["previous"], headers=bearer).json["items"] == first_page["items"]
    forged = client.get("/api/v1/review/infringers?cursor=bm90LWEtY3Vyc29y", headers=bearer)
    assert forged.status_code == 422 and forged.json["fields"] == {"cursor": "Not a cursor."}
    mine = prosecutor("GET", f"/complaints/{first}/shared-infringers").json["items"]
    assert [(s["kind"], s["complaint_count"], len(s["complaints"])) for s in mine] == [
        ("name", 12, 10),
        ("domain", 11, 10),
    ]
    assert first not in {c["id"] for s in mine for c in s["complaints"]}

    assert holder("GET", f"/complaints/{first}/shared-infringers").status_code == 403
    assert holder("GET", "/review/infringers").status_code == 403
    browser = app.test_client()
    sign_in(browser, world.prosecutor.email)
    page = browser.get(f"/review/complaints/{first}").get_data(as_text=True)
    assert f"C-{more[-1]:06d}" in page and f"C-{second['id']:06d}" not in page and "and 2 more" in page
    listed = browser.get("/review/infringers").get_data(as_text=True)
    assert "fakestore" in listed and "and 3 more" in listed and "2 infringers" in listed
    holder_page = app.test_client()
    sign_in(holder_page, world.holder_a.email)
    assert f"C-{second['id']:06d}" not in holder_page.get(f"/complaints/{first}").get_data(as_text=True)
