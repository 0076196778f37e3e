"""Bundle export throughput and memory: a case's evidence as a BagIt ZIP, against reading the same objects.

For each stack (SQLite + directory, PostgreSQL + SeaweedFS S3, both started
here), uploads --files files totalling --total-mib, accepts them into a case,
then in the same run:

  store read   every object read straight from the store (files, or boto3 get_object)
  downloads    every object through the portal, GET /api/v1/evidence/{id}/content
               (streamed by gunicorn from a directory; a presigned redirect to S3)
  bundle       GET /api/v1/cases/{id}/bundle through gunicorn, read to the end

and prints MB/s for both, their ratio, and the gunicorn worker's peak
resident memory while exporting a quarter of the evidence and all of it
(flat memory means the bundle is streamed, not built).

    .venv/bin/python bench/bundle.py [--total-mib 2048] [--files 8] [--rounds 3]
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.ingest import BIN, MIB, PeakMemory, Portal, make_file, mbps  # noqa: E402
from evidence.stores import object_key  # noqa: E402
from tests.conftest import reset_postgres  # noqa: E402
from tests.servers import SeaweedS3, start_postgres  # noqa: E402

READ = MIB


class CasePortal(Portal):
    """The ingest benchmark's portal, with a prosecutor and the evidence accepted into a case."""

    def accept(self) -> int:
        self.cli("users", "create", "--email", "p@proc.example", "--password", "bench password long",
                 "--role", "prosecutor")  # fmt: skip
        prosecutor = self.cli("tokens", "create", "--email", "p@proc.example")
        right = self.shell(
            "from portal.db import get_session\n"
            "from portal.models import RightType, User\n"
            "from portal.services.complaints import RightInput, add_right\n"
            "db = get_session()\n"
            "user = db.query(User).filter_by(email='bench@brand.example').one()\n"
            "print('RIGHT', add_right(db, user, RightInput(RightType.TRADEMARK, 'G1', 'WIPO', 'Bench')).id)\n"
        )
        details = {
            "facts": "Benchmark facts.",
            "right_ids": [right],
            "infringers": [{"name": "Bench Infringer", "shop_urls": [], "platform": ""}],
        }
        self.request(
            "PATCH", f"/api/v1/complaints/{self.complaint}", json.dumps(details), {"Content-Type": "application/json"}
        )
        self.request("POST", f"/api/v1/complaints/{self.complaint}/submit", b"", {})
        holder, self.token = self.token, prosecutor
        decision = self.request(
            "POST",
            f"/api/v1/complaints/{self.complaint}/decision",
            json.dumps({"action": "accept", "case": {"case_number": "B-1", "procuratorate": "P", "charges": "C"}}),
            {"Content-Type": "application/json"},
        )
        self.holder_token = holder
        return int(decision["case_id"])

    def shell(self, code: str) -> int:
        """Run code in ``portal shell`` (services, as an operator would); returns the number it prints."""
        done = subprocess.run(
            [str(BIN / "portal"), "shell"], input=code, env=self.env, cwd=ROOT, capture_output=True, text=True
        )
        return int(done.stdout.split("RIGHT", 1)[1].split()[0])

    def download_all(self, ids: list[int]) -> tuple[float, int]:
        """Each original downloaded through the portal, one after another, as a user would."""
        start, total = time.perf_counter(), 0
        for evidence_id in ids:
            url = f"http://127.0.0.1:{self.port}/api/v1/evidence/{evidence_id}/content"
            total += fetch(url, {"Authorization": f"Bearer {self.token}"})
        return time.perf_counter() - start, total

    def export(self, case_id: int, ids: list[int] | None) -> tuple[float, int, int]:
        """Seconds, bytes and the worker's peak RSS for one bundle download."""
        query = "" if ids is None else "?evidence=" + ",".join(str(i) for i in ids)
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        with PeakMemory(self.process.pid) as memory:
            start = time.perf_counter()
            conn.request(
                "GET", f"/api/v1/cases/{case_id}/bundle{query}", headers={"Authorization": f"Bearer {self.token}"}
            )
            response = conn.getresponse()
            if response.status != 200:
                raise RuntimeError(f"{response.status}: {response.read()[:300]!r}")
            self.first_byte = time.perf_counter() - start
            received = 0
            while chunk := response.read(READ):
                received += len(chunk)
            elapsed = time.perf_counter() - start
        conn.close()
        return elapsed, received, memory.peak_worker


def fetch(url: str, headers: dict[str, str]) -> int:
    """GET ``url`` to the end, following one redirect (S3 presigned URLs); returns the bytes received."""
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=600)
    conn.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers=headers)
    response = conn.getresponse()
    if response.status in {302, 303}:
        location = response.getheader("Location", "")
        response.read()
        conn.close()
        return fetch(location, {})
    received = 0
    while chunk := response.read(READ):
        received += len(chunk)
    conn.close()
    return received


def read_directory(root: Path, digests: list[str]) -> tuple[float, int]:
    start, total = time.perf_counter(), 0
    for sha in digests:
        with (root / object_key(sha)).open("rb") as handle:
            while chunk := handle.read(READ):
                total += len(chunk)
    return time.perf_counter() - start, total


def read_s3(s3: SeaweedS3, bucket: str, prefix: str, digests: list[str]) -> tuple[float, int]:
    start, total = time.perf_counter(), 0
    for sha in digests:
        body = s3.client.get_object(Bucket=bucket, Key=f"{prefix}/{object_key(sha)}")["Body"]
        for chunk in body.iter_chunks(READ):
            total += len(chunk)
    return time.perf_counter() - start, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--total-mib", type=int, default=2048)
    parser.add_argument("--files", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    each = args.total_mib * MIB // args.files

    with tempfile.TemporaryDirectory(prefix="bench-bundle-") as tmp:
        work = Path(tmp)
        s3 = SeaweedS3(work / "weed")
        s3.make_bucket("bench-bundle")
        pg_server, pg_url = start_postgres(work / "pg")
        reset_postgres(pg_url)
        stacks = {
            "SQLite + directory": {"EVIDENCE_STORE": str(work / "store")},
            "PostgreSQL + S3": {"DATABASE_URL": pg_url, **s3.env("bench-bundle", "ev")},
        }
        try:
            for label, env in stacks.items():
                portal = CasePortal(work / label.split()[0], env)
                try:
                    ids, digests = [], []
                    for number in range(args.files):
                        source = work / "source.mp4"
                        make_file(source, each)
                        sha = hashlib.sha256(source.read_bytes()).digest()
                        _elapsed, _peak, item = portal.upload(source, sha)
                        ids.append(item["id"])
                        digests.append(item["sha256"])
                        source.unlink()
                        print(f"{label}: uploaded {number + 1}/{args.files}", file=sys.stderr)
                    case_id = portal.accept()
                    store_rates, bundle_rates, peaks_full, peaks_quarter = [], [], [], []
                    first_bytes: list[float] = []
                    download_rates: list[float] = []
                    streaming_rates: list[float] = []
                    for _ in range(args.rounds):
                        if "EVIDENCE_STORE" in env and not env["EVIDENCE_STORE"].startswith("s3://"):
                            seconds, total = read_directory(Path(env["EVIDENCE_STORE"]), digests)
                        else:
                            seconds, total = read_s3(s3, "bench-bundle", "ev", digests)
                        store_rates.append(mbps(total, seconds))
                        seconds, total = portal.download_all(ids)
                        download_rates.append(mbps(total, seconds))
                        seconds, received, peak = portal.export(case_id, None)
                        bundle_rates.append(mbps(received, seconds))
                        first_bytes.append(portal.first_byte)
                        streaming_rates.append(mbps(received, seconds - portal.first_byte))
                        peaks_full.append(peak)
                        _s, _r, peak = portal.export(case_id, ids[: max(1, args.files // 4)])
                        peaks_quarter.append(peak)
                    store, bundle = statistics.median(store_rates), statistics.median(bundle_rates)
                    download = statistics.median(download_rates)
                    print(f"{label}: {args.files} files, {args.total_mib} MiB; median of {args.rounds} rounds")
                    for name, rate, rates in (
                        ("store read", store, store_rates),
                        ("downloads", download, download_rates),
                        ("bundle", bundle, bundle_rates),
                    ):
                        print(f"  {name:<12} {rate:8.1f} MB/s   (rounds: {', '.join(f'{v:.0f}' for v in rates)})")
                    print(f"  bundle / store read: {bundle / store:.2f}x  (target >= 0.70)")
                    print(f"  bundle / downloads of the same files through the portal: {bundle / download:.2f}x")
                    waited, streamed = statistics.median(first_bytes), statistics.median(streaming_rates)
                    print(f"  of which: {waited:.2f} s before the first byte (export recorded, checkpoint, proofs)")
                    print(f"            then {streamed:.0f} MB/s streaming")
                    print(
                        f"  worker peak RSS: {max(peaks_quarter) / MIB:.0f} MB exporting a quarter, "
                        f"{max(peaks_full) / MIB:.0f} MB exporting all"
                    )
                finally:
                    portal.stop()
        finally:
            s3.stop()
            pg_server.cleanup()  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
