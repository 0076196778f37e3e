"""A year of a busy procuratorate in PostgreSQL, written through COPY in minutes.

Fills an empty, migrated portal database with organisations, accounts,
rights, complaints in every status, infringers (many named by several
rights holders), cases with their stage histories, requests, deadlines and
notifications, and evidence items with what the portal records for each:
custody chain, signed receipt, transparency-log leaves and the log's stored
Merkle nodes, fingerprints, matches between near-identical pictures and
identical files filed twice, and the clusters these make. Everything is
derived with the portal's own functions (custody hashes, receipt records
signed with the instance's receipt key, search documents, infringer keys,
log nodes, clusters), so the log verifies, proofs are valid and a
checkpoint is signed at the end.

What it does not write is the files themselves: 10^6 evidence objects are
terabytes. An item's storage key is its content address, which is empty;
reading one reports it missing.

Every generated account has the password :data:`PASSWORD`; staff have the
authenticator secret :data:`TOTP_SECRET`. The accounts are listed in
``<instance>/bench-accounts.json`` for ``bench/scale.py`` and ``bench/load.py``.

    .venv/bin/python bench/dataset.py --database-url postgresql+psycopg://... --instance DIR \\
        [--complaints 100000] [--items 10] [--seed 1]

``--instance`` must hold the keys (``portal keys generate``) and the database
must be migrated (``portal db upgrade``) and empty; the role must be a
superuser (loading skips row-by-row foreign-key checks, as PostgreSQL's
manual advises for bulk loads, and rebuilds the secondary indexes after).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from bisect import bisect
from collections import Counter
from collections.abc import Callable, Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from itertools import accumulate
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cryptography.fernet import Fernet  # noqa: E402
from sqlalchemy import Integer, create_engine, text  # noqa: E402

from evidence import tlog  # noqa: E402
from evidence.custody import GENESIS, Entry, entry_hash  # noqa: E402
from evidence.fingerprints import MAX_THRESHOLD  # noqa: E402
from evidence.keys import fingerprint  # noqa: E402
from evidence.merkle import leaf_hash  # noqa: E402
from evidence.records import canonical, custody_leaf  # noqa: E402
from evidence.signatures import sign  # noqa: E402
from evidence.stores import derived_key, object_key  # noqa: E402
from portal.models import (  # noqa: E402
    Base,
    ComplaintStatus,
    CustodyAction,
    CustodyEvent,
    DecisionKind,
    EventKind,
    EvidenceKind,
    OrgKind,
    OrgRole,
    OrgStatus,
    RequestKind,
    RightType,
    Role,
    Stage,
)
from portal.services import infringer_keys, search  # noqa: E402
from portal.services.passwords import hash_password  # noqa: E402
from portal.services.receipts import receipt_record  # noqa: E402
from portal.services.two_factor import sealing_key  # noqa: E402

PASSWORD = "Bench-Volume-Passphrase-2026"  # noqa: S105 - made-up accounts, printed for the benchmarks
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105
NULL = r"\N"
COUNTRIES = ["CN", "CN", "CN", "FR", "DE", "US", "IT", "JP", "GB", "CH", "KR", "ES", "SE", "NL", "DK"]
PRODUCTS = [
    ("handbags", "手袋"),
    ("watches", "手表"),
    ("sneakers", "运动鞋"),
    ("perfume", "香水"),
    ("headphones", "耳机"),
    ("toys", "玩具"),
    ("phone cases", "手机壳"),
    ("sunglasses", "太阳镜"),
    ("cosmetics", "化妆品"),
    ("wine", "葡萄酒"),
]
PLATFORMS = [("Taobao", "https://shop{n}.taobao.com/"), ("JD", "https://mall.jd.com/index-{n}.html"),
             ("Pinduoduo", "https://mobile.yangkeduo.com/mall_page.html?mall_id={n}"),
             ("Amazon", "https://www.amazon.cn/sp?seller=A{n}X"), ("1688", "https://shop{n}.1688.com/")]  # fmt: skip
CITIES = ["上海市浦东新区", "上海市闵行区", "义乌市", "广州市白云区", "深圳市宝安区", "莆田市", "温州市"]
# Complaint statuses a year on, as shares of every complaint.
STATUSES = {
    ComplaintStatus.DRAFT: 5,
    ComplaintStatus.SUBMITTED: 12,
    ComplaintStatus.UNDER_REVIEW: 10,
    ComplaintStatus.INFO_REQUESTED: 5,
    ComplaintStatus.ACCEPTED: 45,
    ComplaintStatus.DECLINED: 18,
    ComplaintStatus.WITHDRAWN: 5,
}
KINDS = {
    EvidenceKind.PHOTO_OF_GOODS: (35, "image/jpeg", "jpg"),
    EvidenceKind.WEB_CAPTURE: (25, "image/png", "png"),
    EvidenceKind.TEST_PURCHASE: (8, "video/mp4", "mp4"),
    EvidenceKind.NOTARIAL_CERTIFICATE: (10, "application/pdf", "pdf"),
    EvidenceKind.SALES_RECORDS: (10, "application/pdf", "pdf"),
    EvidenceKind.APPRAISAL_REPORT: (4, "application/pdf", "pdf"),
    EvidenceKind.REGISTRATION_CERTIFICATE: (4, "application/pdf", "pdf"),
    EvidenceKind.TRANSLATION: (2, "application/pdf", "pdf"),
    EvidenceKind.OTHER: (2, "application/pdf", "pdf"),
}
STAGES = [Stage.FILING_SUPERVISION, Stage.INVESTIGATION, Stage.ARREST_REVIEW, Stage.PROSECUTION_REVIEW,
          Stage.PROSECUTED, Stage.FIRST_INSTANCE, Stage.SECOND_INSTANCE, Stage.FINAL_JUDGMENT]  # fmt: skip
# The order the tables are loaded in: every row's references are in by then.
TABLES = [
    "organisations", "users", "ip_rights", "cases", "complaints", "complaint_rights", "infringers",
    "infringer_keys", "shared_keys", "information_requests", "stage_changes", "served_decisions", "case_requests",
    "evidence_items", "evidence_frames", "evidence_matches", "custody_events", "receipts", "log_entries",
    "log_nodes", "notifications", "search_documents",
]  # fmt: skip


def _text(value: Any) -> Any:
    return value.isoformat()


# How COPY's CSV takes each kind of value; str, int and Decimal go as they are.
CELLS: dict[type, Callable[[Any], Any]] = {
    type(None): lambda _value: NULL,
    bool: lambda value: "t" if value else "f",
    bytes: lambda value: "\\x" + value.hex(),
    datetime: _text,
    date: _text,
    dict: lambda value: json.dumps(value, ensure_ascii=False),
    list: lambda value: json.dumps(value, ensure_ascii=False),
}


def cell(value: Any) -> Any:
    """A value as COPY's CSV reads it for its column."""
    convert = CELLS.get(type(value))
    if convert is not None:
        return convert(value)
    return value.value if isinstance(value, Enum) else value


class Tables:
    """One CSV file per table, written in a single pass and loaded afterwards in :data:`TABLES` order."""

    def __init__(self, directory: Path, stack: ExitStack) -> None:
        self.directory = directory
        self.stack = stack
        self.writers: dict[str, tuple[list[str], Any]] = {}
        self.counts: dict[str, int] = dict.fromkeys(TABLES, 0)

    def add(self, table: str, **values: Any) -> None:
        if table not in self.writers:
            out = self.stack.enter_context((self.directory / f"{table}.csv").open("w", newline="", encoding="utf-8"))
            self.writers[table] = (list(values), csv.writer(out))
        columns, writer = self.writers[table]
        writer.writerow([cell(values[c]) for c in columns])
        self.counts[table] += 1

    def load(self, database_url: str) -> None:
        import psycopg

        self.stack.close()
        with psycopg.connect(database_url.replace("postgresql+psycopg://", "postgresql://", 1)) as conn:
            # Bulk loading as PostgreSQL's manual advises: the tables' secondary indexes are dropped and built
            # again once the rows are in, and foreign keys are not checked row by row (the generator makes
            # every reference; the checks would only repeat it).
            indexes = conn.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = 'public' "
                "AND i.tablename = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
                "WHERE c.conname = i.indexname)",
                (list(self.writers),),
            ).fetchall()
            for name, _definition in indexes:
                conn.execute(f'DROP INDEX "{name}"')
            conn.execute("SET session_replication_role = replica")
            for table in TABLES:
                if table not in self.writers:
                    continue
                names = ", ".join(f'"{c}"' for c in self.writers[table][0])
                sql = f"COPY {table} ({names}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
                source = self.directory / f"{table}.csv"
                with conn.cursor() as cursor, cursor.copy(sql) as copy, source.open("rb") as f:
                    while chunk := f.read(1 << 20):
                        copy.write(chunk)
            conn.execute("SET session_replication_role = DEFAULT")
            conn.execute("SET maintenance_work_mem = '512MB'")
            for _name, definition in indexes:
                conn.execute(definition)
            conn.commit()


@dataclass
class Picker:
    """Weighted choice, fast for many draws."""

    values: list[Any]
    cumulative: list[float]

    @classmethod
    def of(cls, weights: dict[Any, float]) -> Picker:
        return cls(list(weights), list(accumulate(weights.values())))

    def __call__(self, rng: random.Random) -> Any:
        return self.values[bisect(self.cumulative, rng.random() * self.cumulative[-1])]


def zipf(count: int, exponent: float) -> Picker:
    return Picker.of({i: 1 / (i + 1) ** exponent for i in range(count)})


@dataclass
class Log:
    """The transparency log's leaves, as :func:`portal.services.transparency.append` writes them, and its
    stored Merkle nodes. Only the right edge of the tree, the nodes a later leaf still combines with, stays in
    memory."""

    tables: Tables
    size: int = 0
    edge: dict[tlog.Node, bytes] = field(default_factory=dict)

    def append(self, kind: str, data: bytes, at: datetime, evidence_id: int, custody_event_id: int | None) -> int:
        index = self.size
        leaf = leaf_hash(data)
        lefts = tlog.nodes_to_read_for_append(index)
        for level, node_index, node in tlog.append(index, leaf, lambda wanted: {n: self.edge[n] for n in wanted}):
            self.tables.add("log_nodes", level=level, index=node_index, hash=node)
            if node_index % 2 == 0:  # a left sibling: a later leaf combines with it
                self.edge[(level, node_index)] = node
        for node in lefts:
            del self.edge[node]
        self.tables.add("log_entries", index=index, kind=kind, data=data, leaf_hash=leaf, evidence_id=evidence_id,
                        custody_event_id=custody_event_id, created_at=at)  # fmt: skip
        self.size += 1
        return index


@dataclass
class Motif:
    """A picture that several rights holders photographed or captured: its items match one another."""

    code: int
    members: list[tuple[int, int]] = field(default_factory=list)
    """(item id, 64-bit code) of each item showing it."""


@dataclass
class Generator:
    tables: Tables
    complaints: int
    items_per_complaint: int
    notary: Any
    secret_key: str
    rng: random.Random
    now: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))
    ids: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TABLES, 0))
    log: Log = field(init=False)
    pictures: list[tuple[int, EvidenceKind, str, str, tuple[Any, ...]]] = field(default_factory=list)
    """Recently filed pictures, (complaint, kind, media type, extension, digests), for identical refilings."""
    motifs: list[Motif] = field(default_factory=list)
    named: Counter[tuple[str, str]] = field(default_factory=Counter)
    """Filed complaints naming each infringer key."""
    later: list[tuple[datetime, int, bytes, int]] = field(default_factory=list)
    """Custody leaves of acts after filing (a prosecutor viewing an item), logged after every filing."""

    def __post_init__(self) -> None:
        self.log = Log(self.tables)
        self.key = self.notary.keys.private_key("receipt")
        self.key_fingerprint = fingerprint(self.key.public_key())

    def next_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    # --- organisations and accounts ------------------------------------------------------------

    def accounts(self) -> dict[str, Any]:
        t, rng = self.tables, self.rng
        password = hash_password(PASSWORD)
        totp = Fernet(sealing_key(self.secret_key)).encrypt(TOTP_SECRET.encode()).decode()
        year_ago = self.now - timedelta(days=400)
        emails: dict[str, list[str]] = {"admin": [], "supervisor": [], "prosecutor": [], "holder": []}
        self.prosecutors: list[int] = []
        for role, count in ((Role.ADMIN, 1), (Role.SUPERVISOR, 2), (Role.PROSECUTOR, 20)):
            for n in range(count):
                user_id = self.next_id("users")
                email = f"{role.value}{n + 1}@proc.bench.example"
                t.add("users", id=user_id, email=email, name=f"{role.value.title()} {n + 1}", password_hash=password,
                      role=role, org_id=None, language="zh", timezone="Asia/Shanghai", active=True,
                      email_verified_at=year_ago, org_role=None, totp_secret=totp, totp_last_step=None,
                      created_at=year_ago)  # fmt: skip
                emails[role.value].append(email)
                if role is Role.PROSECUTOR:
                    self.prosecutors.append(user_id)
        self.orgs: list[SimpleNamespace] = []
        for _ in range(max(10, self.complaints // 500)):
            org_id = self.next_id("organisations")
            country = rng.choice(COUNTRIES)
            latin = f"Brand {org_id:04d} {'GmbH' if country == 'DE' else 'Ltd'}"
            name = f"品牌{org_id:04d}有限公司" if country == "CN" else latin
            language = "zh" if country == "CN" else "en"
            t.add("organisations", id=org_id, legal_name=name, legal_name_latin=latin, country=country,
                  is_foreign=country != "CN", registration_number=f"REG-{org_id:06d}",
                  contact_email=f"legal@org{org_id}.bench.example", language=language, kind=OrgKind.RIGHTS_HOLDER,
                  status=OrgStatus.APPROVED, decision_reason="", decided_at=year_ago, decided_by_id=None,
                  created_at=year_ago, require_two_factor=False)  # fmt: skip
            users = []
            for org_role in (OrgRole.ADMIN, OrgRole.MEMBER):
                user_id = self.next_id("users")
                email = f"{org_role.value}@org{org_id}.bench.example"
                t.add("users", id=user_id, email=email, name=f"{latin} {org_role.value}", password_hash=password,
                      role=Role.HOLDER, org_id=org_id, language=language, timezone="UTC", active=True,
                      email_verified_at=year_ago, org_role=org_role, totp_secret=None, totp_last_step=None,
                      created_at=year_ago)  # fmt: skip
                users.append(SimpleNamespace(id=user_id, email=email))
                emails["holder"].append(email)
            rights = []
            for n in range(5):
                right_id = self.next_id("ip_rights")
                right_type = RightType.TRADEMARK if n < 3 else rng.choice([RightType.PATENT, RightType.COPYRIGHT])
                registry = "NCAC" if right_type is RightType.COPYRIGHT else "CNIPA"
                number = f"{right_type.value[:2].upper()}{right_id:08d}"
                t.add("ip_rights", id=right_id, org_id=org_id, right_type=right_type, registration_number=number,
                      registry=registry, owner=latin, valid_from=date(2015, 1, 1), valid_until=date(2035, 1, 1),
                      scope="", created_at=year_ago, retired_at=None, version=1)  # fmt: skip
                rights.append(SimpleNamespace(id=right_id, registration_number=number, registry_name=registry,
                                              owner=latin))  # fmt: skip
            self.orgs.append(SimpleNamespace(id=org_id, legal_name=name, legal_name_latin=latin, users=users,
                                             rights=rights))  # fmt: skip
        return {"password": PASSWORD, "totp_secret": TOTP_SECRET, **emails}

    # --- complaints, cases and what hangs on them ------------------------------------------------

    def shops(self) -> list[SimpleNamespace]:
        """Infringers: a pool drawn from with a heavy head, so that some are named by many rights holders."""
        pool = []
        for n in range(max(50, self.complaints // 5)):
            platform, pattern = PLATFORMS[n % len(PLATFORMS)]
            name = f"{self.rng.choice(CITIES)}{'鑫华盛达优'[n % 5]}{n}商贸有限公司"
            url = pattern.format(n=100000 + n)
            pool.append(SimpleNamespace(name=name, platform=platform, shop_urls=url, address=f"{name[:6]}{n}号",
                                        keys=sorted(infringer_keys.keys(name, [url]))))  # fmt: skip
        return pool

    def complaints_and_cases(self) -> None:
        t, rng = self.tables, self.rng
        shops = self.shops()
        status_of, org_of, shop_of = Picker.of(STATUSES), zipf(len(self.orgs), 0.75), zipf(len(shops), 1.0)
        # Four days back from a year ago: the newest complaint's submission and evidence are in the past too.
        start = self.now - timedelta(days=369)
        case: SimpleNamespace | None = None
        for _ in range(self.complaints):
            complaint_id = self.next_id("complaints")
            created = start + timedelta(seconds=365 * 86400 * complaint_id // self.complaints)
            org = self.orgs[org_of(rng)]
            status = status_of(rng)
            product, product_zh = rng.choice(PRODUCTS)
            chinese = rng.random() < 0.4
            if rng.random() < 0.7:
                title = f"假冒{product_zh}在网店销售" if chinese else f"Counterfeit {product} sold online"
            else:
                title = f"仿冒{product_zh}批发" if chinese else f"Replica {product} wholesale"
            named = [shops[shop_of(rng)] for _ in range(rng.choice((1, 1, 1, 2, 3)))]
            if chinese:
                facts = f"在{named[0].platform}平台发现侵权商品，价格明显低于正品。"
            else:
                facts = f"A test purchase on {named[0].platform} showed goods bearing our mark, sold cheaply."
            submitted = decided = assigned = None
            if status is not ComplaintStatus.DRAFT:
                submitted = created + timedelta(hours=rng.randint(1, 72))
            if status in {ComplaintStatus.ACCEPTED, ComplaintStatus.DECLINED, ComplaintStatus.INFO_REQUESTED}:
                assert submitted is not None
                decided = min(submitted + timedelta(days=rng.randint(1, 45)), self.now)
                assigned = rng.choice(self.prosecutors)
            elif status is ComplaintStatus.UNDER_REVIEW and rng.random() < 0.7:
                assigned = rng.choice(self.prosecutors)
            in_case = None
            if status is ComplaintStatus.ACCEPTED:
                assert decided is not None and assigned is not None
                if case is None or case.size >= case.limit:
                    case = self.case(decided, assigned, org.id)
                case.size += 1
                in_case = case
            t.add("complaints", id=complaint_id, org_id=org.id, created_by_id=org.users[0].id, status=status,
                  title=title, facts=facts, discovered_on=(created - timedelta(days=rng.randint(1, 60))).date(),
                  discovery_method="Online monitoring", illegal_volume=Decimal(rng.randint(1000, 5_000_000)),
                  units=rng.randint(10, 20000), currency="CNY", language="zh" if chinese else "en",
                  decline_reason=DECLINED if status is ComplaintStatus.DECLINED else "",
                  case_id=in_case.id if in_case else None, assigned_to_id=assigned, created_at=created,
                  updated_at=decided or submitted or created, submitted_at=submitted, decided_at=decided,
                  version=1)  # fmt: skip
            rights = rng.sample(org.rights, rng.choice((1, 1, 2)))
            for right in rights:
                t.add("complaint_rights", complaint_id=complaint_id, right_id=right.id)
            if status is not ComplaintStatus.DRAFT:
                self.named.update({key for shop in named for key in shop.keys})
            for shop in named:
                infringer_id = self.next_id("infringers")
                t.add("infringers", id=infringer_id, complaint_id=complaint_id, name=shop.name, address=shop.address,
                      shop_urls=shop.shop_urls, platform=shop.platform)  # fmt: skip
                for kind, value in shop.keys:
                    t.add("infringer_keys", infringer_id=infringer_id, kind=kind, value=value)
            if status is ComplaintStatus.INFO_REQUESTED:
                assert decided is not None
                t.add("information_requests", id=self.next_id("information_requests"), complaint_id=complaint_id,
                      message=ASKED, due_on=(decided + timedelta(days=14)).date(), requested_by_id=assigned,
                      requested_at=decided, reply="", replied_by_id=None, replied_at=None)  # fmt: skip
            complaint = SimpleNamespace(id=complaint_id, reference=f"C-{complaint_id:06d}", org=org, status=status,
                                        title=title, facts=facts, created=created, case=in_case, infringers=named,
                                        rights=rights, submitted=submitted, decided=decided,
                                        assigned=assigned)  # fmt: skip
            self.items_of(complaint)
            self.notify(complaint)
        for at, item_id, leaf, custody_id in sorted(self.later):
            self.log.append("custody", leaf, at, item_id, custody_id)
        for (kind, value), count in self.named.items():
            self.tables.add("shared_keys", id=self.next_id("shared_keys"), kind=kind, value=value, complaints=count)

    def case(self, opened: datetime, prosecutor: int, org_id: int) -> SimpleNamespace:
        """A case opened on accepting a complaint, with the stages it has been through since."""
        t, rng = self.tables, self.rng
        case = SimpleNamespace(id=self.next_id("cases"), size=0, limit=rng.choice((1, 1, 2, 3)), changes=[])
        case.number = f"沪检知刑诉〔2026〕{case.id}号"
        stages = STAGES[: min(int(rng.expovariate(0.45)) + 1, len(STAGES))]
        if len(stages) >= 5 and rng.random() < 0.15:
            stages = [*STAGES[:4], Stage.NOT_PROSECUTED]
        on = opened.date()
        for stage in stages:
            t.add("stage_changes", id=self.next_id("stage_changes"), case_id=case.id, stage=stage, occurred_on=on,
                  note="", note_shared=False, recorded_by_id=prosecutor, recorded_at=opened)  # fmt: skip
            case.changes.append((stage, on))
            on = min(on + timedelta(days=rng.randint(10, 80)), self.now.date())
        t.add("cases", id=case.id, case_number=case.number, procuratorate="上海市人民检察院第三分院",
              charges="假冒注册商标罪", prosecutor_id=prosecutor, stage=stages[-1], created_at=opened,
              created_by_id=prosecutor)  # fmt: skip
        if stages[-1] in {Stage.NOT_PROSECUTED, Stage.FIRST_INSTANCE}:
            served = case.changes[-1][1]
            not_prosecuted = stages[-1] is Stage.NOT_PROSECUTED
            t.add("served_decisions", id=self.next_id("served_decisions"), case_id=case.id,
                  kind=DecisionKind.NON_PROSECUTION if not_prosecuted else DecisionKind.FIRST_INSTANCE_JUDGMENT,
                  decided_on=served, served_on=served, due_on=served + timedelta(days=7 if not_prosecuted else 10),
                  due_provisional=False, summary="", document_id=None, recorded_by_id=prosecutor,
                  recorded_at=opened)  # fmt: skip
        if rng.random() < 0.08:
            asked = opened + timedelta(days=rng.randint(1, 30))
            t.add("case_requests", id=self.next_id("case_requests"), case_id=case.id, org_id=org_id,
                  kind=RequestKind.LOSS_STATEMENT, message="Please state the losses you suffered.",
                  due_on=(asked + timedelta(days=15)).date(), created_by_id=prosecutor, created_at=asked,
                  answered_at=asked + timedelta(days=3) if rng.random() < 0.6 else None)  # fmt: skip
        case.prosecutor = prosecutor
        return case

    def notify(self, complaint: SimpleNamespace) -> None:
        """What the organisation's members were told: the decision, and each stage of its case since."""
        if complaint.decided is None:
            return
        decision = {ComplaintStatus.ACCEPTED: "accepted", ComplaintStatus.DECLINED: "declined"}.get(
            complaint.status, "info_requested"
        )
        params = {"complaint": complaint.reference, "title": complaint.title, "decision": decision}
        if decision == "accepted":
            params["case"] = complaint.case.number
        elif decision == "declined":
            params["reason"] = DECLINED
        else:
            params.update(message=ASKED, due=(complaint.decided + timedelta(days=14)).date().isoformat())
        events = [(EventKind.COMPLAINT_DECIDED, params, complaint.decided, None)]
        if complaint.case is not None:
            for stage, on in complaint.case.changes[1:]:
                at = max(datetime(on.year, on.month, on.day, 9, tzinfo=UTC), complaint.decided)
                changed = {"case": complaint.case.number, "stage": stage.value, "occurred_on": on.isoformat()}
                events.append((EventKind.STAGE_CHANGED, changed, at, complaint.case.id))
        for kind, details, at, case_id in events:
            read = at + timedelta(days=1) if at < self.now - timedelta(days=30) else None
            for user in complaint.org.users:
                self.tables.add("notifications", id=self.next_id("notifications"), user_id=user.id, kind=kind,
                                params=details, case_id=case_id, complaint_id=complaint.id, created_at=at,
                                read_at=read)  # fmt: skip

    # --- evidence ---------------------------------------------------------------------------------

    def items_of(self, complaint: SimpleNamespace) -> None:
        rng = self.rng
        uploader = complaint.org.users[1]
        files = []
        for n in range(max(1, round(rng.expovariate(1 / self.items_per_complaint)))):
            kind = KIND_OF(rng)
            _weight, media_type, extension = KINDS[kind]
            refiled = self.refiled(complaint) if rng.random() < 0.005 else None
            if refiled is not None:
                kind, media_type, extension, digests = refiled
            else:
                digests = (rng.randbytes(32).hex(), rng.randbytes(64).hex(), rng.randbytes(32).hex(),
                           rng.randint(40_000, 20_000_000))  # fmt: skip
            item = SimpleNamespace(id=self.next_id("evidence_items"), complaint=complaint, kind=kind,
                                   media_type=media_type, sha256=digests[0], sha512=digests[1], sm3=digests[2],
                                   size=digests[3], filename=f"{kind.value.replace('_', '-')}-{n + 1}.{extension}",
                                   received_at=complaint.created + timedelta(minutes=5 + n),
                                   organisation=complaint.org, uploaded_by_id=uploader.id,
                                   uploaded_by=uploader)  # fmt: skip
            item.description = f"{complaint.infringers[0].platform} listing" if kind is EvidenceKind.WEB_CAPTURE else ""
            head, length = self.custody_and_receipt(item)
            self.item_row(item, head, length)
            if refiled is None and kind in {EvidenceKind.PHOTO_OF_GOODS, EvidenceKind.WEB_CAPTURE}:
                self.pictures = [*self.pictures[-49:], (complaint.id, kind, media_type, extension, digests)]
            files.append(SimpleNamespace(filename=item.filename, description=item.description, collected_where=""))
        self.search_document(complaint, files)

    def refiled(self, complaint: SimpleNamespace) -> tuple[Any, ...] | None:
        """A picture another complaint filed shortly before: the same file from two rights holders."""
        for picture in reversed(self.pictures):
            if picture[0] != complaint.id:
                return picture[1:]
        return None

    def item_row(self, item: SimpleNamespace, head: str, length: int) -> None:
        picture = item.media_type.startswith("image/")
        code = self.picture_code(item.id) if item.media_type != "application/pdf" else None
        received = item.received_at
        self.tables.add("evidence_items", id=item.id, complaint_id=item.complaint.id, org_id=item.organisation.id,
                        sha256=item.sha256, sha512=item.sha512, sm3=item.sm3, size=item.size,
                        media_type=item.media_type, storage_key=object_key(item.sha256), filename=item.filename,
                        kind=item.kind, description=item.description, collected_at=received - timedelta(days=2),
                        collected_where="", translation_of_id=None, width=1200 if picture else None,
                        height=900 if picture else None, phash=f"{code:016x}" if picture and code else None,
                        dhash=None, thumbnail_key=derived_key(item.sha256, "thumb.jpg") if picture else None,
                        media_meta={}, analysis_started_at=received, analysed_at=received + timedelta(minutes=1),
                        analysis_error=None, matched_at=received + timedelta(minutes=1), received_at=received,
                        uploaded_by_id=item.uploaded_by_id, custody_head=head, custody_length=length)  # fmt: skip
        if code is not None:
            signed = code - 2**64 if code >= 2**63 else code
            self.tables.add("evidence_frames", id=self.next_id("evidence_frames"), evidence_id=item.id, number=1,
                            at_seconds=None, preview_key=derived_key(item.sha256, "frame-1.jpg"), full_code=signed,
                            centre_code=signed,
                            probe_codes=b"".join((code ^ (1 << k)).to_bytes(8, "big") for k in range(6)))  # fmt: skip

    def picture_code(self, item_id: int) -> int:
        """A picture's 64-bit code. About 4 % show a picture some other item shows (a few bits apart), and
        are recorded as matching the last few items that show it, as the worker would."""
        rng = self.rng
        if self.motifs and rng.random() < 0.04:
            motif = self.motifs[rng.randrange(len(self.motifs))]
            code = motif.code
            for _ in range(rng.randint(0, 5)):
                code ^= 1 << rng.randrange(64)
            for other_id, other_code in motif.members[-5:]:
                distance = (other_code ^ code).bit_count()
                if distance <= MAX_THRESHOLD:
                    self.tables.add("evidence_matches", left_id=other_id, right_id=item_id, distance=distance,
                                    left_frame=1, right_frame=1, found_at=self.now)  # fmt: skip
            motif.members.append((item_id, code))
            return code
        code = rng.getrandbits(64)
        if rng.random() < 0.02:
            self.motifs = [*self.motifs[-1999:], Motif(code, [(item_id, code)])]
        return code

    def custody_and_receipt(self, item: SimpleNamespace) -> tuple[str, int]:
        """The item's custody chain and receipt, as filing and a prosecutor's later look at it record them;
        returns the chain's head and length."""
        details = {"sha256": item.sha256, "size": item.size, "media_type": item.media_type, "filename": item.filename}
        head, leaf, custody_id = self.custody(item.id, 1, GENESIS, CustodyAction.RECEIVED, item.uploaded_by_id,
                                              item.received_at, details)  # fmt: skip
        self.log.append("custody", leaf, item.received_at, item.id, custody_id)
        body = canonical(receipt_record(item, self.notary.origin, self.key_fingerprint))  # type: ignore[arg-type]
        index = self.log.append("receipt", body, item.received_at, item.id, None)
        self.tables.add("receipts", evidence_id=item.id, body=body, signature=sign(self.key, body),
                        key_fingerprint=self.key_fingerprint, log_index=index, timestamp_token=None,
                        created_at=item.received_at)  # fmt: skip
        complaint = item.complaint
        if complaint.decided is None or self.rng.random() >= 0.3:
            return head, 1
        head, leaf, custody_id = self.custody(item.id, 2, head, CustodyAction.VIEWED, complaint.assigned,
                                              complaint.decided, {})  # fmt: skip
        self.later.append((complaint.decided, item.id, leaf, custody_id))
        return head, 2

    def custody(self, item_id: int, seq: int, prev: str, action: CustodyAction, actor: int, at: datetime,
                details: dict[str, Any]) -> tuple[str, bytes, int]:  # fmt: skip
        custody_id = self.next_id("custody_events")
        event = SimpleNamespace(evidence_id=item_id, action=action, actor_id=actor, at=at, outcome="ok",
                                details=details)  # fmt: skip
        record = CustodyEvent.record(event)  # type: ignore[arg-type]
        digest = entry_hash(prev, seq, record)
        self.tables.add("custody_events", id=custody_id, evidence_id=item_id, seq=seq, action=action, actor_id=actor,
                        at=at, outcome="ok", details=details, prev_hash=prev, hash=digest)  # fmt: skip
        return digest, custody_leaf(item_id, Entry(seq, record, prev, digest)), custody_id

    def search_document(self, complaint: SimpleNamespace, files: list[SimpleNamespace]) -> None:
        case = SimpleNamespace(case_number=complaint.case.number) if complaint.case else None
        shown = SimpleNamespace(reference=complaint.reference, title=complaint.title, facts=complaint.facts,
                                discovery_method="Online monitoring", infringers=complaint.infringers,
                                rights=complaint.rights, organisation=complaint.org, case=case)  # fmt: skip
        body = search.document(shown, files)  # type: ignore[arg-type]
        self.tables.add("search_documents", complaint_id=complaint.id, body=body, submitted_at=complaint.submitted)


KIND_OF = Picker.of({kind: weight for kind, (weight, _type, _ext) in KINDS.items()})
DECLINED = "Not enough evidence of the volume sold."
ASKED = "Please send the test-purchase receipt."


def generate(database_url: str, instance: Path, complaints: int, items: int, seed: int,
             env: Mapping[str, str] | None = None) -> dict[str, Any]:  # fmt: skip
    """Write the dataset into the (migrated, empty) database; returns what it wrote and the accounts.

    ``env`` is the portal's environment (``SECRET_KEY`` seals the staff's authenticator secret); by default
    this process's."""
    from portal import create_app
    from portal.db import get_session
    from portal.services import clusters, receipts
    from portal.settings import Settings

    settings = Settings.from_env({**(env or os.environ), "DATABASE_URL": database_url, "INSTANCE_PATH": str(instance)})
    app = create_app(settings)
    notary = app.extensions["notary"]
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="dataset-") as scratch, ExitStack() as files:
        tables = Tables(Path(scratch), files)
        generator = Generator(tables, complaints, items, notary, settings.secret_key, random.Random(seed))
        accounts = generator.accounts()
        generator.complaints_and_cases()
        generated = time.monotonic() - started
        tables.load(database_url)
    loaded = time.monotonic() - started - generated
    finish(database_url, generator.log.size)
    with app.app_context():
        clusters.rebuild(get_session())  # as the worker does for a threshold it has not clustered for
        receipts.checkpoint(get_session(), notary)  # logs the keys, then signs the log as it stands
        get_session().commit()
    (instance / "bench-accounts.json").write_text(json.dumps(accounts, indent=1))
    return {"rows": tables.counts, "log_size": generator.log.size, "generated_s": generated, "loaded_s": loaded,
            "total_s": time.monotonic() - started, "accounts": accounts}  # fmt: skip


def copy_kept(kept: Path, work: Path) -> dict[str, Any]:
    """A copy of the database and instance ``bench/scale.py --keep`` kept in ``kept`` (one size's directory),
    in ``work``, for a benchmark that changes them; returns the dataset's accounts."""
    if (kept / "pg" / "postmaster.pid").exists():
        sys.exit(f"a server is running on {kept / 'pg'}: its files are copied whole only once it stops")
    # As they are: the server runs as its own system user, whose files these must stay.
    subprocess.run(["cp", "-a", str(kept / "pg"), str(work / "pg")], check=True)  # noqa: S603, S607
    (work / "pg" / ".handle_pids.json").unlink(missing_ok=True)  # the kept server's handles, not the copy's
    shutil.copytree(kept / "instance", work / "instance", symlinks=True)
    accounts: dict[str, Any] = json.loads((kept / "dataset.json").read_text())["accounts"]
    return accounts


def finish(database_url: str, log_size: int) -> None:
    """The log's size onto its head, every sequence past its table's ids, the planner's statistics fresh."""
    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE log_head SET size = :size WHERE id = 1"), {"size": log_size})
        for table in Base.metadata.sorted_tables:
            if "id" in table.c and isinstance(table.c.id.type, Integer):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                  f"(SELECT coalesce(max(id), 0) + 1 FROM {table.name}), false)"))  # fmt: skip
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--instance", type=Path, required=True)
    parser.add_argument("--complaints", type=int, default=100_000)
    parser.add_argument("--items", type=int, default=10, help="evidence items per complaint, on average")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    result = generate(args.database_url, args.instance, args.complaints, args.items, args.seed)
    for table, count in result["rows"].items():
        print(f"{table:22} {count:>10,}")
    print(f"log leaves {result['log_size']:,}; generated in {result['generated_s']:.0f} s, "
          f"loaded in {result['loaded_s']:.0f} s, {result['total_s']:.0f} s in all")  # fmt: skip


if __name__ == "__main__":
    main()
