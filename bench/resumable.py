"""A large file through tus to S3, cut off halfway and resumed, against a direct boto3 multipart upload.

Starts SeaweedFS (S3) and PostgreSQL from their PyPI packages and serves the
portal with gunicorn (one gthread worker). In the same run:

  boto3 -> S3 direct   upload_file of the file to the same SeaweedFS (default multipart settings)
  tus -> portal -> S3  tuspy sends the file in PATCH requests; halfway, the link drops in the middle of
                       a request (a relay closes it) and a new uploader, knowing only the upload's URL,
                       asks where it is and sends the rest; then the upload is named as evidence

and prints MB/s for each and their ratio, the serving worker's peak resident
memory, and how long resuming took: until the portal had kept what arrived
before the cut, and until the first request of the resumed upload was answered.

    .venv/bin/python bench/resumable.py [--size-mib 10240] [--chunk-mib 256]
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

from tusclient import client as tus_client
from tusclient.exceptions import TusUploadFailed

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.ingest import MIB, PeakMemory, Portal, make_file, mbps  # noqa: E402
from tests.conftest import reset_postgres  # noqa: E402
from tests.proxy import CuttingProxy  # noqa: E402
from tests.servers import SeaweedS3, start_postgres  # noqa: E402


def offset_of(portal: Portal, url: str) -> int:
    """Where the upload is, asked of the portal itself."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{portal.port}/api/v1/uploads/{url.rsplit('/', 1)[1]}",
        method="HEAD",
        headers={"Authorization": f"Bearer {portal.token}", "Tus-Resumable": "1.0.0"},
    )
    with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310 - loopback
        return int(answer.headers["Upload-Offset"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mib", type=int, default=10240)
    parser.add_argument("--chunk-mib", type=int, default=256, help="bytes per PATCH request")
    args = parser.parse_args()
    size, chunk = args.size_mib * MIB, args.chunk_mib * MIB

    with tempfile.TemporaryDirectory(prefix="bench-resumable-") as tmp:
        work = Path(tmp)
        # The servers first: writing the file keeps the disk too busy for them to start in time.
        s3 = SeaweedS3(work / "weed")
        s3.make_bucket("bench-evidence")
        pg_server, pg_url = start_postgres(work / "pg")
        try:
            source = work / "surveillance.mp4"
            make_file(source, size)
            sha256 = hashlib.sha256()
            with source.open("rb") as handle:
                while block := handle.read(8 * MIB):
                    sha256.update(block)
            key = f"direct/{uuid.uuid4().hex}"
            start = time.perf_counter()
            s3.client.upload_file(str(source), "bench-evidence", key)
            direct = mbps(size, time.perf_counter() - start)
            s3.client.delete_object(Bucket="bench-evidence", Key=key)  # room for what follows

            reset_postgres(pg_url)
            portal = Portal(work / "portal", {"DATABASE_URL": pg_url, **s3.env("bench-evidence", "tus")})
            try:
                proxy = CuttingProxy(portal.port, cut_after=size // 2)
                headers = {"Authorization": f"Bearer {portal.token}"}
                relayed = tus_client.TusClient(f"http://127.0.0.1:{proxy.port}/api/v1/uploads", headers=headers)
                straight = tus_client.TusClient(f"http://127.0.0.1:{portal.port}/api/v1/uploads", headers=headers)
                idle = portal.idle_rss()
                with PeakMemory(portal.process.pid) as memory, source.open("rb") as stream:
                    start = time.perf_counter()
                    first = relayed.uploader(
                        file_stream=stream, chunk_size=chunk, metadata={"filename": "surveillance.mp4"}
                    )
                    try:
                        first.upload()
                    except TusUploadFailed:
                        cut = time.perf_counter()
                    else:
                        raise RuntimeError("the link did not drop")
                    assert first.url is not None
                    url = first.url.replace(f":{proxy.port}", f":{portal.port}")
                    while offset_of(portal, url) <= first.offset:
                        time.sleep(0.05)
                    kept_after = time.perf_counter() - cut
                    resumed = straight.uploader(
                        file_stream=stream, url=url, chunk_size=chunk, retries=10, retry_delay=1
                    )
                    kept = resumed.offset
                    resumed.upload_chunk()
                    answered_after = time.perf_counter() - cut
                    resumed.upload()
                    uploaded = time.perf_counter() - start
                with PeakMemory(portal.process.pid) as naming:
                    item = portal.request(
                        "POST",
                        f"/api/v1/complaints/{portal.complaint}/evidence",
                        f'{{"upload": "{url.rsplit("/", 1)[1]}"}}'.encode(),
                        {"Content-Type": "application/json"},
                    )
                    named = time.perf_counter() - start - uploaded
                proxy.close()
            finally:
                portal.stop()
            assert item["sha256"] == sha256.hexdigest() and item["size"] == size, item
        finally:
            s3.stop()
            pg_server.cleanup()  # type: ignore[attr-defined]

    tus = mbps(size, uploaded)
    print(f"file: {args.size_mib} MiB, video/mp4, over loopback; tus requests of {args.chunk_mib} MiB")
    print(f"  boto3 -> S3 direct (multipart)      {direct:8.1f} MB/s")
    print(f"  tus -> portal -> S3, cut and resumed {tus:8.1f} MB/s   ({tus / direct:.2f}x boto3, target >= 0.80)")
    print(f"  naming the finished upload (copy to its address in S3): {named:.1f} s")
    print(
        f"  gunicorn worker RSS: {memory.peak_worker / MIB:.0f} MB at peak while the bytes arrived, "
        f"{naming.peak_worker / MIB:.0f} MB while naming, {idle / MIB:.0f} MB before  (target < 150)"
    )
    print(
        f"  resuming: the link dropped at {first.offset / MIB:.0f} MiB answered and {kept / MIB:.0f} MiB arrived; "
        f"the portal had kept them {kept_after:.2f} s after the drop; the resumed upload's first request "
        f"({args.chunk_mib} MiB) was answered {answered_after:.2f} s after the drop"
    )


if __name__ == "__main__":
    main()
