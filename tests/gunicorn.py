"""The portal served by a real gunicorn on a free loopback port, for browser and concurrency tests."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import SECRET
from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


@dataclass
class Portal:
    url: str
    env: dict[str, str]
    pid: int = 0
    """gunicorn's master process."""

    def workers(self) -> list[int]:
        """The worker processes the master runs now."""
        children = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split()
        return [int(pid) for pid in children]

    def wait_healthy(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while True:
            try:
                urllib.request.urlopen(self.url + "/health", timeout=2)  # noqa: S310 - loopback
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("the portal did not come back") from None
                time.sleep(0.1)

    def cli(self, *args: str) -> str:
        done = subprocess.run(
            [str(BIN / "portal"), *args], env=self.env, cwd=ROOT, capture_output=True, text=True, check=True
        )
        return done.stdout.strip()


def serve(tmp_path: Path, extra_env: dict[str, str], workers: int = 2) -> Iterator[Portal]:
    """gunicorn on a free port, migrated and with keys, until the generator is closed."""
    port = free_port()
    env = {
        **os.environ,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SECRET_KEY": SECRET,
        "SECURE_COOKIES": "false",
        # Named, not numbered: a passkey's relying party cannot be an IP address.
        "PORTAL_URL": f"http://localhost:{port}",
        **extra_env,
    }
    portal = Portal(f"http://localhost:{port}", env)
    portal.cli("db", "upgrade")
    portal.cli("keys", "generate")  # what an operator does once in production
    log = (tmp_path / "gunicorn.log").open("wb")
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            "4",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    portal.pid = process.pid
    try:
        portal.wait_healthy(30)
    except RuntimeError:
        process.kill()
        raise RuntimeError(f"gunicorn did not start: {(tmp_path / 'gunicorn.log').read_text()}") from None
    try:
        yield portal
    finally:  # also when the consumer closes the generator early (the benchmarks do)
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
        log.close()
