"""Ingest throughput and memory: a large file through the portal against boto3 and hashlib alone.

Starts SeaweedFS (S3) and PostgreSQL from their PyPI packages, serves the
portal with gunicorn, and uploads one file (MP4, --size-mib, default 1 GiB)
through the API as a raw body:

  portal -> S3, digest declared  (PostgreSQL + SeaweedFS; the client sends Repr-Digest)
  portal -> S3, no digest        (the same, staged and copied to its address inside S3)
  portal -> directory            (SQLite + directory, the embedded default)
  boto3 -> S3 direct   (upload_file to the same SeaweedFS, default transfer settings)
  hashlib alone        (SHA-256 over the file read from disk)

and prints MB/s for each, the ratios, and the peak resident memory of the
gunicorn worker that served the upload.

    .venv/bin/python bench/ingest.py [--size-mib 1024] [--rounds 3]
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import http.client
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conftest import reset_postgres as reset_database  # noqa: E402
from tests.servers import SeaweedS3, free_port, start_postgres  # noqa: E402

BIN = Path(sys.executable).parent
MIB = 1024 * 1024
HASHLIB, DIRECT = "hashlib alone", "boto3 -> S3 direct"
DECLARED, STAGED, DIRECTORY = "portal -> S3, digest declared", "portal -> S3, no digest", "portal -> directory"
MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"


def make_file(path: Path, size: int) -> None:
    block = os.urandom(8 * MIB)
    with path.open("wb") as out:
        out.write(MP4_HEAD)
        written = len(MP4_HEAD)
        while written < size:
            piece = block[: min(len(block), size - written)]
            out.write(piece)
            written += len(piece)


class PeakMemory:
    """Samples the resident memory of a process tree until stopped."""

    def __init__(self, pid: int) -> None:
        self.root = psutil.Process(pid)
        self.peak_worker = 0
        self.peak_master = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.peak_master = max(self.peak_master, self.root.memory_info().rss)
                for child in self.root.children():
                    self.peak_worker = max(self.peak_worker, child.memory_info().rss)
            except psutil.NoSuchProcess:
                pass
            time.sleep(0.02)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


class Portal:
    def __init__(self, workdir: Path, env: dict[str, str]) -> None:
        self.port = free_port()
        self.env = {
            **os.environ,
            "INSTANCE_PATH": str(workdir / "instance"),
            "SECRET_KEY": "b" * 40,
            "SECURE_COOKIES": "false",
            "MAX_UPLOAD_BYTES": str(64 * 1024 * MIB),
            **env,
        }
        self.cli("db", "upgrade")
        self.cli("keys", "generate")
        org = self.cli("orgs", "create", "--name", "Bench Brand", "--country", "FR")
        self.cli(
            "users",
            "create",
            "--email",
            "bench@brand.example",
            "--password",
            "large files over long links",
            "--role",
            "holder",
            "--org-id",
            org,
        )
        self.token = self.cli("tokens", "create", "--email", "bench@brand.example")
        self.log = (workdir / "gunicorn.log").open("wb")
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "--worker-class",
                "gthread",
                "--threads",
                "4",
                "--timeout",
                "600",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        for _ in range(150):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=1)  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        self.complaint = self.request(
            "POST", "/api/v1/complaints", b'{"title": "bench"}', {"Content-Type": "application/json"}
        )["id"]

    def cli(self, *args: str) -> str:
        return subprocess.run(
            [str(BIN / "portal"), *args], env=self.env, cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()

    def request(self, method: str, path: str, body: object, headers: dict[str, str]) -> dict:
        import json

        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600, blocksize=MIB)
        conn.request(method, path, body=body, headers={"Authorization": f"Bearer {self.token}", **headers})
        response = conn.getresponse()
        data = json.loads(response.read())
        conn.close()
        if response.status >= 300:
            raise RuntimeError(f"{response.status}: {data}")
        return data

    def idle_rss(self) -> int:
        return max(child.memory_info().rss for child in psutil.Process(self.process.pid).children())

    def upload(self, path: Path, digest: bytes | None) -> tuple[float, int, dict]:
        size = path.stat().st_size
        headers = {
            "Content-Type": "application/octet-stream",
            "Content-Length": str(size),
            "Content-Disposition": 'attachment; filename="surveillance.mp4"',
        }
        if digest is not None:
            headers["Repr-Digest"] = f"sha-256=:{base64.b64encode(digest).decode()}:"
        with PeakMemory(self.process.pid) as memory, path.open("rb") as body:
            start = time.perf_counter()
            item = self.request("POST", f"/api/v1/complaints/{self.complaint}/evidence", body, headers)
            elapsed = time.perf_counter() - start
        return elapsed, memory.peak_worker, item

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(20)
        self.log.close()


def mbps(size: int, seconds: float) -> float:
    return size / MIB / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    size = args.size_mib * MIB

    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        work = Path(tmp)
        source = work / "evidence.mp4"
        make_file(source, size)
        s3 = SeaweedS3(work / "weed")
        s3.make_bucket("bench-evidence")
        pg_server, pg_url = start_postgres(work / "pg")
        results: dict[str, list[float]] = {label: [] for label in (HASHLIB, DIRECT, DECLARED, STAGED, DIRECTORY)}
        peaks: dict[str, int] = {label: 0 for label in (DECLARED, STAGED, DIRECTORY)}
        idle: dict[str, int] = {label: 0 for label in (DECLARED, STAGED, DIRECTORY)}
        try:
            # Rounds interleave all five, so that a slow spell of the disk or
            # of SeaweedFS hits every measurement alike; medians are reported.
            for round_number in range(args.rounds):
                start = time.perf_counter()
                digest = hashlib.sha256()
                with source.open("rb") as handle:
                    while chunk := handle.read(MIB):
                        digest.update(chunk)
                results[HASHLIB].append(mbps(size, time.perf_counter() - start))

                start = time.perf_counter()
                s3.client.upload_file(str(source), "bench-evidence", f"direct/{uuid.uuid4().hex}")
                results[DIRECT].append(mbps(size, time.perf_counter() - start))

                runs = (
                    (DECLARED, {"DATABASE_URL": pg_url, **s3.env("bench-evidence", f"declared-{round_number}")}, True),
                    (STAGED, {"DATABASE_URL": pg_url, **s3.env("bench-evidence", f"staged-{round_number}")}, False),
                    (DIRECTORY, {"EVIDENCE_STORE": str(work / f"store-{round_number}")}, False),
                )
                for number, (label, env, declare) in enumerate(runs):
                    reset_database(pg_url)
                    portal = Portal(work / f"portal-{round_number}-{number}", env)
                    try:
                        idle[label] = max(idle[label], portal.idle_rss())
                        elapsed, peak, item = portal.upload(source, digest.digest() if declare else None)
                    finally:
                        portal.stop()
                    assert item["sha256"] == digest.hexdigest() and item["size"] == size, item
                    results[label].append(mbps(size, elapsed))
                    peaks[label] = max(peaks[label], peak)
        finally:
            s3.stop()
            pg_server.cleanup()  # type: ignore[attr-defined]

    median = {label: statistics.median(values) for label, values in results.items()}
    print(
        f"file: {args.size_mib} MiB, video/mp4, sent as a raw body over loopback HTTP; "
        f"median of {args.rounds} interleaved rounds"
    )
    for label in (HASHLIB, DIRECT, DECLARED, STAGED, DIRECTORY):
        spread = ", ".join(f"{v:.0f}" for v in results[label])
        print(f"  {label:<32} {median[label]:8.1f} MB/s   (rounds: {spread})")
    for label in (DECLARED, STAGED):
        print(f"  {label} / boto3 direct: {median[label] / median[DIRECT]:.2f}x  (target >= 0.80)")
    print(f"  {DIRECTORY} / hashlib alone: {median[DIRECTORY] / median[HASHLIB]:.2f}x")
    for label, peak in peaks.items():
        print(
            f"  gunicorn worker RSS, {label}: {peak / MIB:.0f} MB at peak, {idle[label] / MIB:.0f} MB before "
            "the upload  (target < 150)"
        )


if __name__ == "__main__":
    main()
