"""The evidence worker at production volume: its index built from 10^6 items, then 10^4 new images.

Works on a copy of a dataset that ``bench/scale.py --keep DIR`` kept (the
copy is thrown away, the kept one stays as it was), or makes one with
``bench/dataset.py``. Then, in this process, as ``portal worker`` does:

1. builds the worker's Hamming index from every stored frame, timing it and
   measuring the memory the process holds afterwards;
2. files ``--images`` new pictures through the API (ten to a complaint):
   half of them new pictures, the other half altered copies (resized and
   recompressed) of those, each in another complaint;
3. runs the worker's rounds until every new picture is analysed and matched,
   timing each picture, and counts how many altered copies were matched to
   their original.

    .venv/bin/python bench/worker.py --from /work/scale-keep/size-100000 [--images 10000]
    .venv/bin/python bench/worker.py --complaints 100000 [--images 10000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import filing  # noqa: E402
from bench.dataset import copy_kept, generate  # noqa: E402
from tests.conftest import SECRET  # noqa: E402
from tests.gunicorn import Portal  # noqa: E402
from tests.servers import start_postgres  # noqa: E402

PER_COMPLAINT = 10


def mib() -> float:
    return psutil.Process().memory_info().rss / 2**20


def file_pictures(app: Any, email: str, count: int, seed: int) -> list[tuple[int, int]]:
    """``count`` pictures filed in complaints of ``email``'s organisation; returns (original, copy) item ids."""
    from sqlalchemy import select

    from portal.db import get_session
    from portal.models import IPRight, User
    from portal.services import tokens

    with app.app_context():
        db = get_session()
        user = db.scalars(select(User).where(User.email == email)).one()
        scopes = [s.value for s in tokens.allowed_scopes(user)]
        secret = tokens.create(db, user, "worker benchmark", scopes, 1, by_operator=True).secret
        right = db.scalars(select(IPRight.id).where(IPRight.org_id == user.org_id)).first()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    facts = "The same listing photographed by two buyers."
    body = filing.complaint(right, "Listing photographs", facts, "Worker Bench Shop")
    rng = np.random.default_rng(seed)
    pairs = count // 2
    originals, copies = [], []
    for n in range(pairs):  # as JPEG bytes only: thousands of decoded pictures would fill the memory measured
        shown = filing.picture(rng)
        originals.append((n, filing.jpeg(shown, 88)))
        copies.append((n, filing.jpeg(filing.altered(shown), 70)))
    uploads = originals + copies  # a copy always lands in another complaint than its original
    ids: dict[tuple[int, bool], int] = {}
    for start in range(0, len(uploads), PER_COMPLAINT):
        made = client.post("/api/v1/complaints", json=body, headers=headers)
        assert made.status_code == 201, made.text
        complaint = made.json["id"]
        for at in range(start, min(start + PER_COMPLAINT, len(uploads))):
            n, data = uploads[at]
            named = {"Content-Type": "image/jpeg", "Content-Disposition": f'attachment; filename="p{n}.jpg"'}
            answer = client.post(f"/api/v1/complaints/{complaint}/evidence", data=data, headers=headers | named)
            assert answer.status_code == 201, answer.text
            ids[(n, at >= pairs)] = answer.json["id"]
        assert client.post(f"/api/v1/complaints/{complaint}/submit", headers=headers).status_code == 200
    return [(ids[(n, False)], ids[(n, True)]) for n in range(pairs)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--from", dest="kept", type=Path, metavar="DIR", help="a size's directory kept by scale.py")
    source.add_argument("--complaints", type=int, help="make a dataset of this many complaints instead")
    parser.add_argument("--images", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="worker-", dir=args.kept.parent if args.kept else None) as scratch:
        work = Path(scratch)
        if args.kept:
            started = time.monotonic()
            accounts = copy_kept(args.kept, work)
            print(f"copied the kept dataset in {time.monotonic() - started:.0f} s")
        server, url = start_postgres(work / "pg")
        with server:
            env = {**os.environ, "DATABASE_URL": url, "INSTANCE_PATH": str(work / "instance"), "SECRET_KEY": SECRET}
            portal = Portal("", env)
            portal.cli("db", "upgrade")  # a kept dataset's schema too, made by older code
            portal.cli("keys", "generate")
            if not args.kept:
                accounts = generate(url, work / "instance", args.complaints, 10, seed=args.complaints, env=env)[
                    "accounts"
                ]
            measure(env, accounts["holder"][0], args.images)


def measure(env: dict[str, str], filer: str, images: int) -> None:
    from sqlalchemy import func, select

    from portal import create_app
    from portal.db import get_session
    from portal.models import EvidenceFrame, EvidenceItem, EvidenceMatch
    from portal.services import matching
    from portal.settings import Settings
    from portal.storage import get_store

    app = create_app(Settings.from_env(env))
    with app.app_context():
        db = get_session()
        items = db.scalar(select(func.count()).select_from(EvidenceItem))
        frames = db.scalar(select(func.count()).select_from(EvidenceFrame))
        before = mib()
        index = matching.FrameIndex()
        started = time.monotonic()
        index.sync(db)
        built = time.monotonic() - started
        held = mib()
        db.close()
    print(f"index of {frames:,} frames ({items:,} items) built in {built:.1f} s; the process holds "
          f"{held:.0f} MiB, {held - before:.0f} MiB more than before it")  # fmt: skip

    started = time.monotonic()
    pairs = file_pictures(app, filer, images, seed=7)
    print(f"{images:,} pictures filed through the API in {time.monotonic() - started:.0f} s")

    per_item: list[float] = []
    started = time.monotonic()
    with app.app_context():
        store = get_store()
        while claimed := matching.claim_analysis(get_session(), matching.ROUND):
            for item_id in claimed:
                began = time.perf_counter()
                matching.analyse(get_session(), store, item_id)
                matching.match(get_session(), index, item_id)
                per_item.append(time.perf_counter() - began)
        worked = time.monotonic() - started
        new = select(EvidenceMatch.left_id, EvidenceMatch.right_id).where(
            EvidenceMatch.right_id >= min(min(p) for p in pairs)
        )
        found = {tuple(row) for row in get_session().execute(new)}
    matched = sum((min(p), max(p)) in found for p in pairs)
    per_item.sort()
    p95 = per_item[round(0.95 * (len(per_item) - 1))]
    print(f"{len(per_item):,} pictures analysed and matched in {worked:.0f} s: {len(per_item) / worked:.1f} a "
          f"second; each {statistics.median(per_item) * 1000:.0f} ms median, {p95 * 1000:.0f} ms p95")  # fmt: skip
    print(f"altered copies matched to their original: {matched:,} of {len(pairs):,}; index now "
          f"{len(index):,} frames")  # fmt: skip


if __name__ == "__main__":
    main()
