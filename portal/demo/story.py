"""What the demo's users did, told through the portal's API as their clients would call it.

Four rights holders (three abroad, one in Shanghai) and a law firm acting for one of them file thirty
complaints over a few months: drafts, submissions under review, requests for more information, decisions
either way, withdrawals, and one bulk-filing batch. Three criminal cases follow: one against a mixed-lot
seller that three holders complained of (notices served and acknowledged, a loss statement, a shared
document), one at first instance with a hearing ahead, and one closed by a non-prosecution decision whose
petition deadline is running. A photo of the goods filed by two holders, and re-posted copies of others,
give related evidence and clusters something to show at first start.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import quote, urlencode

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.demo import media
from portal.models import EvidenceKind, User, utcnow
from portal.services import review, tokens
from portal.services.shanghai import today_in_china

SEED_TOKEN = "demo seed"  # noqa: S105 - the name of the seed's tokens, not a secret


class SeedFailed(Exception):
    """The portal refused a step of the demo: a bug in the story, or in the portal."""


class Client:
    """One demo user's API client, with a token made for the seed and revoked when it is done."""

    def __init__(self, app: Flask, db: Session, email: str) -> None:
        self.db = db
        user = db.scalar(select(User).where(User.email == email))
        assert user is not None, email
        self.user = user
        issued = tokens.create(db, user, SEED_TOKEN, tokens.allowed_scopes(user), days=1, by_operator=True)
        self.token_id, self.secret = issued.token.id, issued.secret
        self.app = app
        self.http: FlaskClient = app.test_client()

    def __call__(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.secret}", **kwargs.pop("headers", {})}
        # An application context of its own, as a request to the server has: a fresh database session, not
        # the command's, whose objects would outlive the request.
        with self.app.app_context():
            answer = self.http.open("/api/v1" + path, method=method, headers=headers, **kwargs)
        if answer.status_code >= 400:
            raise SeedFailed(
                f"{method} {path} as {self.user.email}: {answer.status_code} {answer.get_data(True)[:400]}"
            )
        return answer.json

    def upload(self, path: str, data: bytes, filename: str, **details: Any) -> Any:
        """A file as the raw body, its details as query arguments (a list repeats its argument)."""
        return self(
            "POST",
            f"{path}?{urlencode(details, doseq=True)}",
            data=data,
            headers={
                "Content-Type": "application/octet-stream",
                "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}",
            },
        )

    def close(self) -> None:
        tokens.revoke(self.db, self.user, self.token_id)


@dataclass
class Told:
    complaints: int = 0
    items: int = 0
    cases: int = 0
    batches: int = 0
    ids: dict[str, int] = field(default_factory=dict)
    """Complaints by their key in the story (L1 ... X8)."""


def _ago(days: int) -> str:
    return (today_in_china() - timedelta(days=days)).isoformat()


def _sales(key: str, shop: str, units: int, price: str) -> bytes:
    """A marketplace's sales records of the listing, as exported to CSV."""
    lines = ["order_date,order_id,shop,units,unit_price_cny"]
    for number in range(1, 9):
        lines.append(f"{_ago(90 - 9 * number)},{key}-{number:05d},{shop},{units // 8 + number % 3},{price}")
    return ("\n".join(lines) + "\n").encode()


@dataclass(frozen=True)
class File:
    data: bytes
    name: str
    kind: EvidenceKind
    description: str


# The sellers complained of, with the shops and platforms they sell on.
YIWU = {
    "name": "义乌明亮贸易商行 Yiwu Bright Trade",
    "platform": "1688",
    "shop_urls": ["https://brighttrade.1688.example/", "https://shop123456.taobao.example/"],
    "address": "浙江省义乌市国际商贸城三区 12 号",
}
TIMEKEEPER = {
    "name": "深圳时计贸易有限公司 Shenzhen Timekeeper Trading",
    "platform": "JD.com",
    "shop_urls": ["https://mall.jd.example/timekeeper"],
    "address": "深圳市龙岗区布吉街道",
}
STARLIGHT = {
    "name": "宁波星光玩具厂 Ningbo Starlight Toys",
    "platform": "Pinduoduo",
    "shop_urls": ["https://mobile.pinduoduo.example/starlight-toys"],
    "address": "宁波市鄞州区",
}


def _others(number: int) -> dict[str, Any]:
    """A smaller seller, one of many a sweep turns up."""
    platforms = ["Taobao", "Tmall", "JD.com", "Pinduoduo", "Douyin Shop", "Xianyu"]
    return {
        "name": f"网店 {number:03d} Online shop {number:03d}",
        "platform": platforms[number % len(platforms)],
        "shop_urls": [f"https://shop{number:03d}.{platforms[number % len(platforms)].lower().split()[0]}.example/"],
    }


def tell(app: Flask, db: Session) -> Told:
    with _clients(app, db) as clients:
        return _Story(db, clients).tell()


@contextmanager
def _clients(app: Flask, db: Session) -> Iterator[dict[str, Client]]:
    emails = {
        "lumiere": "counsel@lumiere.example",
        "nordwind": "legal@nordwind.example",
        "orbital": "brand@orbital.example",
        "xinghe": "ip@xinghe.example",
        "agent": "counsel@jinshi-law.example",
        "prosecutor": "prosecutor@portal.example",
        "supervisor": "supervisor@portal.example",
    }
    clients = {key: Client(app, db, email) for key, email in emails.items()}
    try:
        yield clients
    finally:
        for client in clients.values():
            client.close()


class _Story:
    def __init__(self, db: Session, clients: dict[str, Client]) -> None:
        self.db = db
        self.c = clients
        self.told = Told()
        self.org = {key: clients[key].user.org_id for key in ("lumiere", "nordwind", "orbital", "xinghe", "agent")}
        self.rights: dict[str, int] = {}
        self.evidence: dict[str, list[int]] = {}

    def tell(self) -> Told:
        self._rights()
        self._power()
        self._complaints()
        self._batch()
        self._reviews()
        self._cases()
        return self.told

    # Who holds what -------------------------------------------------------------------------------

    def _rights(self) -> None:
        recorded = [
            ("lumiere", "G1234567", "WIPO Madrid", "Maison Lumière SA", "Class 21: porcelain tableware, cups, saucers"),
            ("nordwind", "018765432", "EUIPO", "Nordwind Uhren GmbH", "Class 14: clocks, wall clocks, watches"),
            ("orbital", "6123456", "USPTO", "Orbital Toys Inc.", "Class 28: toys, model rockets, flying toys"),
            ("xinghe", "第45678901号", "CNIPA", "上海星河工艺品有限公司", "第14类：纪念币（贵金属）、工艺品"),
        ]
        for key, number, registry, owner, scope in recorded:
            right = self.c[key](
                "POST",
                "/rights",
                json={
                    "type": "trademark",
                    "registration_number": number,
                    "registry": registry,
                    "owner": owner,
                    "valid_from": "2019-03-01",
                    "valid_until": "2029-03-01",
                    "scope": scope,
                },
            )
            self.rights[key] = right["id"]

    def _power(self) -> None:
        today = today_in_china()
        document = media.certificate(
            "Power of Attorney · 授权委托书",
            "委托人 Nordwind Uhren GmbH 委托金石知识产权律师事务所，代为向检察机关提交知识产权侵权投诉并参与刑事诉讼。",
            "Nordwind Uhren GmbH appoints Jinshi IP Law Firm to file IP infringement complaints with the "
            "procuratorate and to take part in criminal proceedings on its behalf.",
        )
        self.c["nordwind"].upload(
            "/powers-of-attorney",
            document,
            "power-of-attorney.pdf",
            agent_org_id=self.org["agent"],
            scopes=["complaints", "proceedings"],
            valid_from=(today - timedelta(days=120)).isoformat(),
            valid_until=(today + timedelta(days=600)).isoformat(),
            notarised_by="Notar Dr. Klaus Weber, Hamburg",
            notarised_on=(today - timedelta(days=125)).isoformat(),
            legalisation="Apostille Nr. 2026-HH-0815",
        )

    # Complaints -----------------------------------------------------------------------------------

    def _file(
        self,
        key: str,
        holder: str,
        title: str,
        facts: str,
        infringer: dict[str, Any],
        files: list[File],
        submit: bool = True,
        discovered: int = 60,
        volume: str | None = None,
        units: int | None = None,
        language: str = "en",
    ) -> int:
        client = self.c["agent"] if holder == "nordwind" else self.c[holder]
        body: dict[str, Any] = {
            "title": title,
            "facts": facts,
            "right_ids": [self.rights[holder]],
            "infringers": [infringer],
            "discovered_on": _ago(discovered),
            "discovery_method": "Test purchase and marketplace sweep" if language == "en" else "试购及平台巡查",
            "illegal_volume": volume,
            "units": units,
            "language": language,
        }
        if holder == "nordwind":
            body["org_id"] = self.org["nordwind"]
        complaint = client("POST", "/complaints", json={k: v for k, v in body.items() if v is not None})
        ids = []
        for file in files:
            item = client.upload(
                f"/complaints/{complaint['id']}/evidence",
                file.data,
                file.name,
                kind=file.kind.value,
                description=file.description,
            )
            ids.append(item["id"])
        if submit:
            client("POST", f"/complaints/{complaint['id']}/submit")
        self.told.complaints += 1
        self.told.items += len(files)
        self.told.ids[key] = complaint["id"]
        self.evidence[key] = ids
        return int(complaint["id"])

    def _swept(self, holder: str, found: list[tuple[str, str, int, bool]], facts: str, language: str = "en") -> None:
        """Smaller sellers a marketplace sweep turned up: (key, title, shop number, submitted), each complaint
        with the platform's sales records."""
        for key, title, number, submit in found:
            records = File(
                _sales(key, f"shop{number:03d}", 300 + 10 * number, "24.00"),
                f"sales-{key}.csv",
                EvidenceKind.SALES_RECORDS,
                "Sales records exported from the platform" if language == "en" else "平台导出的销售记录",
            )
            self._file(
                key, holder, title, facts, _others(number), [records], submit, discovered=5 + number, language=language
            )

    def _complaints(self) -> None:
        cup, clock, rocket, coins = "coffee-cup.jpg", "wall-clock.jpg", "rocket.jpg", "coins.jpg"
        mixed_lot = media.photo(cup)  # the seller's own listing photo: filed by Lumière and by Nordwind's firm
        certificate = media.certificate(
            "Notarial Certificate · 公证书",
            "兹证明，申请人委托代理人于本公证员面前，使用公证处计算机访问义乌明亮贸易商行网店，"
            "对其销售的茶具、挂钟页面进行截屏保全，所附截图与网页内容相符。",
            "This is to certify that the applicant's agent, in the presence of the notary and on the notary "
            "office's computer, visited the online shop of Yiwu Bright Trade and captured its listings of "
            "tableware and wall clocks; the attached captures match the pages as displayed.",
        )
        sales = EvidenceKind.SALES_RECORDS
        self._file(
            "L1",
            "lumiere",
            "Counterfeit Lumière porcelain cups sold by a mixed-lot wholesaler",
            "Yiwu Bright Trade offers cups bearing the LUMIÈRE mark at 18 CNY a piece, about a tenth of the genuine "
            "price, in wholesale lots together with clocks of other brands. Our test purchase of 20 cups arrived "
            "on 3 October; none was made by us.",
            YIWU,
            [
                File(mixed_lot, "listing-photo.jpg", EvidenceKind.TEST_PURCHASE, "The shop's listing photo, as bought"),
                File(
                    certificate,
                    "notarial-certificate.pdf",
                    EvidenceKind.NOTARIAL_CERTIFICATE,
                    "Notarised capture of the shop's pages",
                ),
                File(
                    _sales("L1", "Yiwu Bright Trade", 4200, "18.00"),
                    "sales-1688.csv",
                    sales,
                    "Sales records of the listing on 1688",
                ),
            ],
            discovered=95,
            volume="75600.00",
            units=4200,
        )
        self._file(
            "L2",
            "lumiere",
            "Lumière saucers re-listed on Taobao by the same wholesaler",
            "The same wholesaler re-listed the cups with saucers on its Taobao shop after the 1688 listing was "
            "reported.",
            YIWU,
            [
                File(
                    media.listing(
                        cup,
                        "淘宝 Taobao",
                        "明亮贸易 Bright Trade",
                        "LUMIÈRE 骨瓷咖啡杯套装",
                        "¥ 35.00",
                        "https://shop123456.taobao.example/item/889911",
                    ),
                    "taobao-listing.png",
                    EvidenceKind.WEB_CAPTURE,
                    "Screenshot of the Taobao listing",
                )
            ],
            discovered=80,
            volume="21000.00",
            units=600,
        )
        self._file(
            "L3",
            "lumiere",
            "Cups bearing our mark on a Douyin live-stream shop",
            "The live-stream shop shows the wholesaler's listing photo, cropped and re-saved, and sells cups bearing "
            "the LUMIÈRE mark that we did not make.",
            _others(3),
            [
                File(media.reposted(cup), "live-stream-still.jpg", EvidenceKind.WEB_CAPTURE, "Still of the stream"),
                File(_sales("L3", "shop003", 420, "22.00"), "sales-L3.csv", sales, "Sales records of the shop"),
            ],
            discovered=33,
            volume="9240.00",
            units=420,
        )
        self._swept(
            "lumiere",
            [
                ("L4", "Counterfeit tea sets on Pinduoduo", 4, True),
                ("L5", "Gift boxes with a copied LUMIÈRE label", 5, True),
                ("L6", "Second-hand cups offered as new", 6, True),
                ("L7", "Imitation saucers on Xianyu", 7, True),
            ],
            "Found in our marketplace sweep: the shop sells tableware bearing the LUMIÈRE mark that we did not make. "
            "Sales records exported from the platform are attached.",
        )
        self._file("L8", "lumiere", "Cups with a look-alike logo (draft)", "", _others(8), [], submit=False)

        self._file(
            "N1",
            "nordwind",
            "Counterfeit Nordwind wall clocks sold by a mixed-lot wholesaler",
            "Yiwu Bright Trade sells wall clocks bearing the NORDWIND mark in lots with porcelain cups; its listing "
            "photo shows both. Our client never supplied this seller.",
            YIWU,
            [
                File(
                    mixed_lot,
                    "bright-trade-listing.jpg",
                    EvidenceKind.WEB_CAPTURE,
                    "The listing photo of the mixed lot (cups and clocks)",
                ),
                File(
                    _sales("N1", "Yiwu Bright Trade", 800, "60.00"),
                    "sales-1688-clocks.csv",
                    sales,
                    "Sales records of the clocks on 1688",
                ),
            ],
            discovered=90,
            volume="48000.00",
            units=800,
        )
        self._file(
            "N2",
            "nordwind",
            "Counterfeit wall clocks on JD.com",
            "Shenzhen Timekeeper Trading sells NORDWIND wall clocks on JD.com; the movement and the case differ from "
            "the genuine goods.",
            TIMEKEEPER,
            [
                File(
                    media.listing(
                        clock,
                        "京东 JD.com",
                        "时计贸易 Timekeeper",
                        "NORDWIND 静音挂钟 北欧风",
                        "¥ 89.00",
                        "https://mall.jd.example/timekeeper/item/100234",
                    ),
                    "jd-listing.png",
                    EvidenceKind.WEB_CAPTURE,
                    "Screenshot of the JD.com listing",
                ),
                File(_sales("N2", "Timekeeper", 2600, "89.00"), "sales-jd.csv", sales, "Sales records from JD.com"),
            ],
            discovered=70,
            volume="231400.00",
            units=2600,
        )
        self._file(
            "N3",
            "nordwind",
            "Clock faces with the NORDWIND mark sold as spare parts",
            "The same company sells printed clock faces bearing the mark to other sellers.",
            TIMEKEEPER,
            [File(_sales("N3", "Timekeeper", 5000, "6.50"), "sales-parts.csv", sales, "Sales of the clock faces")],
            discovered=65,
            volume="32500.00",
            units=5000,
        )
        self._swept(
            "nordwind",
            [
                ("N4", "Travel clocks with a copied mark", 14, True),
                ("N5", "Counterfeit cuckoo clocks on Tmall", 15, True),
                ("N6", "Watch straps with the NORDWIND mark", 16, True),
                ("N7", "Desk clocks (draft)", 17, False),
            ],
            "Found in our client's marketplace sweep; sales records exported from the platform are attached.",
        )

        self._file(
            "O1",
            "orbital",
            "Counterfeit ORBITAL model rockets on Pinduoduo",
            "Ningbo Starlight Toys sells model rockets bearing the ORBITAL mark. The test purchase was filmed as "
            "it was unboxed; the rocket's fins are not ours and the packaging copies our design.",
            STARLIGHT,
            [
                File(
                    media.photo(rocket), "rocket.jpg", EvidenceKind.PHOTO_OF_GOODS, "The rocket from the test purchase"
                ),
                File(
                    media.unboxing(rocket), "unboxing.mp4", EvidenceKind.TEST_PURCHASE, "Unboxing of the test purchase"
                ),
                File(
                    media.listing(
                        rocket,
                        "拼多多 Pinduoduo",
                        "星光玩具 Starlight",
                        "ORBITAL 火箭模型 儿童科普",
                        "¥ 49.90",
                        "https://mobile.pinduoduo.example/starlight-toys/goods/5566",
                    ),
                    "pdd-listing.png",
                    EvidenceKind.WEB_CAPTURE,
                    "Screenshot of the listing",
                ),
            ],
            discovered=100,
            volume="299400.00",
            units=6000,
        )
        self._file(
            "O2",
            "orbital",
            "ORBITAL rocket photos re-used to sell copies",
            "Our product photo, cropped and re-saved, illustrates the same factory's second listing.",
            STARLIGHT,
            [
                File(
                    media.reposted(rocket),
                    "second-listing-photo.jpg",
                    EvidenceKind.WEB_CAPTURE,
                    "The photo in the second listing",
                )
            ],
            discovered=85,
        )
        self._swept(
            "orbital",
            [
                ("O3", "Launch kits with a copied logo", 23, True),
                ("O6", "Balloon rockets sold as ORBITAL", 26, True),
                ("O7", "Stickers with our logo (draft)", 27, False),
            ],
            "Found in our marketplace sweep; sales records exported from the platform are attached.",
        )

        self._file(
            "X1",
            "xinghe",
            "义乌明亮贸易商行销售假冒星河纪念币",
            "该商行在1688平台销售带有“星河”商标的纪念币，与真品材质、重量不符，每枚售价12元。试购样品已保存。",
            YIWU,
            [
                File(media.photo(coins), "试购纪念币.jpg", EvidenceKind.TEST_PURCHASE, "试购所得纪念币"),
                File(_sales("X1", "明亮贸易", 9000, "12.00"), "销售记录.csv", sales, "1688平台销售记录"),
            ],
            discovered=75,
            volume="108000.00",
            units=9000,
            language="zh",
        )
        self._file(
            "X2",
            "xinghe",
            "抖音小店使用我司纪念币图片销售仿品",
            "多家抖音小店转载我司产品图片（经裁剪压缩）销售仿冒纪念币。",
            _others(31),
            [
                File(media.reposted(coins), "转载图片.jpg", EvidenceKind.WEB_CAPTURE, "小店使用的产品图片"),
                File(
                    media.listing(
                        coins,
                        "抖音小店 Douyin",
                        "网店 031",
                        "星河 生肖纪念币 礼盒装",
                        "¥ 29.90",
                        "https://shop031.douyin.example/goods/7788",
                    ),
                    "抖音截图.png",
                    EvidenceKind.WEB_CAPTURE,
                    "商品页面截图",
                ),
            ],
            discovered=40,
            language="zh",
        )
        self._swept(
            "xinghe",
            [
                ("X3", "淘宝店铺销售仿冒纪念章", 33, True),
                ("X5", "闲鱼转卖假冒纪念币", 35, True),
                ("X6", "拼多多销售仿冒礼盒", 36, True),
                ("X7", "京东第三方店铺仿冒（草稿）", 37, False),
            ],
            "平台巡查发现该店铺销售带有我司商标的工艺品，附平台导出的销售记录。",
            language="zh",
        )

    def _batch(self) -> None:
        """Orbital's vendor files three more listings of its sweep in one batch."""
        rows = [
            "title,rights,infringer_name,infringer_platform,infringer_shop_urls,facts,discovered_on,evidence,"
            "evidence_kind"
        ]
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as files:
            for key, number in (("O4", 24), ("O5", 25)):
                seller = _others(number)
                files.writestr(f"sweep/sales-{key}.csv", _sales(key, f"shop{number:03d}", 650, "24.90"))
                rows.append(
                    f"Model rockets with the ORBITAL mark (sweep {number}),6123456,{seller['name']},"
                    f"{seller['platform']},{seller['shop_urls'][0]},Found in the November marketplace sweep.,"
                    f"{_ago(12)},sweep/sales-{key}.csv,sales_records"
                )
        sheet = ("\r\n".join(rows) + "\r\n").encode()
        orbital = self.c["orbital"]
        batch = orbital(
            "POST",
            "/batches",
            data={
                "sheet": (io.BytesIO(sheet), "november-sweep.csv"),
                "archive": (io.BytesIO(archive.getvalue()), "november-sweep.zip"),
                "submit": "true",
            },
            content_type="multipart/form-data",
        )
        filed = orbital("POST", f"/batches/{batch['id']}/file")
        for key, row in zip(("O4", "O5"), filed["rows"], strict=True):
            self.told.ids[key] = row["complaint_id"]
        self.told.complaints += filed["counts"]["filed"]
        self.told.items += filed["counts"]["filed"]
        self.told.batches += 1
        # Xinghe's X4 and X8 were filed by hand, the week after.
        self._swept(
            "xinghe",
            [("X4", "网店仿冒纪念币 34", 34, True), ("X8", "网店仿冒纪念币 38", 38, True)],
            "平台巡查发现该店铺销售带有我司商标的纪念币，附平台导出的销售记录。",
            language="zh",
        )

    # Review ---------------------------------------------------------------------------------------

    def _decide(self, key: str, **decision: Any) -> dict[str, Any]:
        answer: dict[str, Any] = self.c["prosecutor"](
            "POST", f"/complaints/{self.told.ids[key]}/decision", json=decision
        )
        return answer

    def _reviews(self) -> None:
        prosecutor = self.c["prosecutor"]
        for key in ("L3", "N4", "X8"):
            self.c["supervisor"](
                "POST", f"/complaints/{self.told.ids[key]}/assign", json={"prosecutor_id": prosecutor.user.id}
            )
        for key in ("L3", "N4", "X2", "X3", "L5", "O3", "X6", "L6", "O6", "X5"):
            review.open_for_review(self.db, prosecutor.user, self.told.ids[key])  # as its page does
        due = (today_in_china() + timedelta(days=10)).isoformat()
        self._decide(
            "L5",
            action="request_information",
            due=due,
            message="Please upload the receipt of the test purchase and a photo of the packaging.",
        )
        self._decide(
            "O3",
            action="request_information",
            due=due,
            message="Which of the listed shops did you buy from? Please add the order number.",
        )
        self._decide("X6", action="request_information", due=due, message="请补充试购订单号及收货照片。")
        self._decide(
            "L6",
            action="decline",
            reason="Second-hand goods sold as such do not infringe the mark (exhaustion of rights).",
        )
        self._decide(
            "O6",
            action="decline",
            reason="The sales shown are below the threshold for criminal prosecution; refer the matter "
            "to the market regulator.",
        )
        self._decide("X5", action="decline", reason="个人闲置转卖，数额未达到刑事立案追诉标准。")
        self.c["lumiere"]("POST", f"/complaints/{self.told.ids['L7']}/withdraw")
        self.c["agent"]("POST", f"/complaints/{self.told.ids['N6']}/withdraw")

    # Cases ----------------------------------------------------------------------------------------

    def _open(self, key: str, number: str, charges: str, stage: str, opened: int) -> int:
        case = {
            "case_number": number,
            "procuratorate": "上海市人民检察院第三分院",
            "charges": charges,
            "stage": stage,
            "opened_on": _ago(opened),
        }
        self.told.cases += 1
        return int(self._decide(key, action="accept", case=case)["case_id"])

    def _stages(self, case_id: int, stages: list[tuple[str, int, str]]) -> None:
        for stage, days, note in stages:
            self.c["prosecutor"](
                "POST",
                f"/cases/{case_id}/stages",
                json={"stage": stage, "date": _ago(days), "note": note, "shared": True},
            )

    def _cases(self) -> None:
        prosecutor = self.c["prosecutor"]
        mixed = self._open(
            "L1",
            "沪检三分院知刑诉〔2026〕31号",
            "《刑法》第213条 假冒注册商标罪；第214条 销售假冒注册商标的商品罪",
            "filing_supervision",
            80,
        )
        for key in ("L2", "N1", "X1"):
            self._decide(key, action="accept", case_id=mixed)
        self._stages(
            mixed,
            [
                ("investigation", 60, "公安机关已立案侦查。 The police opened an investigation."),
                ("arrest_review", 40, "Arrest of the shop's operator approved."),
                ("prosecution_review", 15, "移送审查起诉。 Sent for review of prosecution."),
            ],
        )
        notices = {
            org: prosecutor("POST", f"/cases/{mixed}/notices", json={"org_id": self.org[org]})
            for org in ("lumiere", "nordwind", "xinghe")
        }
        for org in ("lumiere", "nordwind"):
            self.c[org]("POST", f"/cases/{mixed}/notices/{notices[org]['id']}/acknowledge")
        indictment = media.certificate(
            "起诉意见书 · Opinion recommending prosecution",
            "义乌明亮贸易商行经营者涉嫌销售假冒注册商标的商品，涉及“LUMIÈRE”“NORDWIND”“星河”三件注册商标。",
            "The operator of Yiwu Bright Trade is suspected of selling goods bearing counterfeit registered "
            "marks: LUMIÈRE, NORDWIND and 星河 (Xinghe).",
        )
        prosecutor_upload = prosecutor.upload(
            f"/cases/{mixed}/documents",
            indictment,
            "opinion-recommending-prosecution.pdf",
            kind="indictment",
            title="起诉意见书 Opinion recommending prosecution",
            org_ids=[self.org["lumiere"], self.org["xinghe"]],
        )
        assert prosecutor_upload["id"]
        asked = prosecutor(
            "POST",
            f"/cases/{mixed}/requests",
            json={
                "org_id": self.org["lumiere"],
                "kind": "loss_statement",
                "message": "请说明被害单位损失：正品单价、数量及主张的损失金额。 State your losses: the genuine unit "
                "price, the number of units and the amount claimed.",
                "due_on": (today_in_china() + timedelta(days=14)).isoformat(),
            },
        )
        self.c["lumiere"](
            "POST",
            f"/cases/{mixed}/submissions",
            json={
                "request_id": asked["id"],
                "kind": "loss_statement",
                "text": "4,200 counterfeit cups at a genuine retail price of 180 CNY.",
                "loss": {
                    "illegal_business_volume": "75600.00",
                    "units": 4200,
                    "genuine_unit_price": "180.00",
                    "losses_claimed": "756000.00",
                    "currency": "CNY",
                    "evidence": {"units": self.evidence["L1"][2:3], "losses_claimed": self.evidence["L1"][:1]},
                },
            },
        )
        self.c["xinghe"](
            "POST",
            f"/cases/{mixed}/submissions",
            json={"kind": "opinion_case", "text": "我司认为应以销售假冒注册商标的商品罪追究其刑事责任。"},
        )
        prosecutor(
            "POST",
            f"/cases/{mixed}/hearings",
            json={
                "starts_at": (utcnow() + timedelta(days=9))
                .replace(hour=2, minute=0, second=0, microsecond=0)
                .isoformat(),
                "duration_minutes": 120,
                "court": "上海市人民检察院第三分院 检察听证室 Procuratorial hearing room",
                "room": "听证室 2",
                "remote_url": "https://hearing.example/room/2",
                "interpreter": True,
            },
        )

        clocks = self._open("N2", "沪检三分院知刑诉〔2026〕44号", "《刑法》第213条 假冒注册商标罪", "prosecuted", 50)
        self._decide("N3", action="accept", case_id=clocks)
        self._stages(
            clocks, [("first_instance", 5, "已向上海知识产权法院提起公诉。 Indicted before the Shanghai IP Court.")]
        )
        notice = prosecutor("POST", f"/cases/{clocks}/notices", json={"org_id": self.org["nordwind"]})
        self.c["nordwind"]("POST", f"/cases/{clocks}/notices/{notice['id']}/acknowledge")
        starts = (utcnow() + timedelta(days=12)).replace(hour=1, minute=30, second=0, microsecond=0)
        prosecutor(
            "POST",
            f"/cases/{clocks}/hearings",
            json={
                "starts_at": starts.isoformat(),
                "duration_minutes": 180,
                "court": "上海知识产权法院 Shanghai IP Court",
                "room": "第三法庭 Courtroom 3",
                "remote_url": "https://court.example/room/3",
                "interpreter": True,
            },
        )

        toys = self._open(
            "O1", "沪检三分院知刑诉〔2026〕52号", "《刑法》第214条 销售假冒注册商标的商品罪", "prosecution_review", 45
        )
        self._decide("O2", action="accept", case_id=toys)
        prosecutor("POST", f"/cases/{toys}/notices", json={"org_id": self.org["orbital"]})
        self._stages(toys, [("not_prosecuted", 2, "Relatively minor circumstances; not prosecuted (Art. 177(2) CPL).")])
        prosecutor(
            "POST",
            f"/cases/{toys}/decisions",
            json={
                "kind": "non_prosecution",
                "decided_on": _ago(2),
                "served_on": _ago(1),
                "summary": "不起诉决定书：犯罪情节轻微，依法不起诉。",
            },
        )
