"""A store in an S3-compatible bucket (AWS S3, MinIO, SeaweedFS, Ceph) via boto3."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from evidence.errors import ObjectLocked, ObjectMissing, StoreUnavailable
from evidence.stores import (
    AREAS,
    Listed,
    Partial,
    Retention,
    check_key,
    check_leftover,
    object_key,
    partial_key,
)

PART_SIZE = 5 * 1024 * 1024
# A resumable upload's parts: at least this, and enough for the largest file in S3's 10,000 parts.
RESUMABLE_PART_SIZE = 8 * 1024 * 1024
# Fewer of its larger parts in flight: the same memory as a streamed upload's.
RESUMABLE_PARALLEL_PARTS = 4
MAX_PARTS = 10_000
# Parts in flight at once: bounds the memory a streamed upload holds
# (PART_SIZE * (PARALLEL_PARTS + 1)) while keeping the link to S3 busy.
PARALLEL_PARTS = 6
COPY_PART_SIZE = 64 * 1024 * 1024


def _unavailable(exc: Exception) -> StoreUnavailable:
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        return StoreUnavailable(f"{error.get('Code', 'error')}: {error.get('Message', '')}".strip())
    return StoreUnavailable(str(exc))


def _is_not_found(exc: ClientError) -> bool:
    return exc.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}


def _chunks(body: Any, chunk_size: int) -> Iterator[bytes]:
    with body:
        try:
            yield from body.iter_chunks(chunk_size)
        except BotoCoreError as exc:
            raise _unavailable(exc) from exc


class S3Staging:
    """Bytes on their way into the bucket; parts are sent while later ones arrive.

    Three paths, so that large objects are copied inside the bucket only when
    unavoidable:
    - smaller than one part: held in memory, put at the content address once hashed;
    - larger, with the digest declared by the client: a multipart upload at the
      content address itself, completed only if the bytes have that digest;
    - larger, digest unknown: a multipart upload under ``staging/``, then a
      server-side copy to the content address.
    An upload that is not completed leaves no object.
    """

    def __init__(self, store: S3Store, expected_sha256: str | None) -> None:
        self._store = store
        self._expected = expected_sha256
        self._key = store.full_key(object_key(expected_sha256) if expected_sha256 else f"staging/{uuid.uuid4().hex}")
        # Received chunks not yet sent; joined into a part (one copy) when enough arrived.
        self._pending: list[bytes] = []
        self._pending_size = 0
        self._upload_id: str | None = None
        self._parts: list[Future[dict[str, Any]]] = []
        self._slots = threading.BoundedSemaphore(PARALLEL_PARTS)
        self._staged_object = False
        self._done = False
        # Parts sent straight to the content address are the evidence object itself: locked if so configured.
        self._lock = store.retention.args() if store.retention and expected_sha256 else {}

    def _send_part(self, number: int, data: bytes) -> dict[str, Any]:
        try:
            answer = self._store.client.upload_part(
                Bucket=self._store.bucket,
                Key=self._key,
                UploadId=self._upload_id,
                PartNumber=number,
                Body=data,
                **({"ChecksumAlgorithm": "SHA256"} if self._lock else {}),
            )
            part = {"PartNumber": number, "ETag": answer["ETag"]}
            if self._lock:
                part["ChecksumSHA256"] = answer["ChecksumSHA256"]
            return part
        finally:
            self._slots.release()

    def _flush_part(self) -> None:
        client = self._store.client
        if self._upload_id is None:
            self._upload_id = client.create_multipart_upload(Bucket=self._store.bucket, Key=self._key, **self._lock)[
                "UploadId"
            ]
        for failed in (f for f in self._parts if f.done() and f.exception()):
            raise failed.exception()  # type: ignore[misc]
        self._slots.acquire()
        joined = b"".join(self._pending)
        data, rest = joined[:PART_SIZE], joined[PART_SIZE:]
        self._pending, self._pending_size = ([rest] if rest else []), len(rest)
        self._parts.append(self._store.pool.submit(self._send_part, len(self._parts) + 1, data))

    def write(self, chunk: bytes) -> None:
        self._pending.append(chunk)
        self._pending_size += len(chunk)
        try:
            while self._pending_size >= PART_SIZE:
                self._flush_part()
        except (BotoCoreError, ClientError) as exc:
            raise _unavailable(exc) from exc

    def _complete(self) -> None:
        if self._pending:
            self._flush_part()
        parts = [f.result() for f in self._parts]
        self._store.client.complete_multipart_upload(
            Bucket=self._store.bucket, Key=self._key, UploadId=self._upload_id, MultipartUpload={"Parts": parts}
        )
        self._upload_id = None

    def _put(self, target: str) -> None:
        """Make the staged bytes the object at ``target`` (a new version where the bucket keeps versions)."""
        store = self._store
        lock = store.retention.args() if store.retention else {}
        if self._upload_id is None:
            store.client.put_object(Bucket=store.bucket, Key=target, Body=b"".join(self._pending), **lock)
        elif self._key == target:
            self._complete()
        else:
            self._complete()
            self._staged_object = True
            store.copy_in(self._key, target)

    def commit(self, sha256_hex: str) -> bool:
        target = self._store.full_key(object_key(sha256_hex))
        try:
            if self._store.key_exists(target):
                return False
            self._put(target)
        except (BotoCoreError, ClientError) as exc:
            self.abort()
            raise _unavailable(exc) from exc
        self.abort()
        return True

    def replace(self, sha256_hex: str) -> None:
        try:
            self._put(self._store.full_key(object_key(sha256_hex)))
        except (BotoCoreError, ClientError) as exc:
            raise _unavailable(exc) from exc
        finally:
            self.abort()

    def abort(self) -> None:
        if self._done:
            return
        self._done = True
        client, bucket = self._store.client, self._store.bucket
        for future in self._parts:
            future.exception()  # wait, so that no part lands after the abort
        try:
            if self._upload_id is not None:
                client.abort_multipart_upload(Bucket=bucket, Key=self._key, UploadId=self._upload_id)
            if self._staged_object:
                client.delete_object(Bucket=bucket, Key=self._key)
        except (BotoCoreError, ClientError):
            # Nothing here is evidence; the sweeper (and a lifecycle rule) removes
            # the unfinished uploads and staging/ objects an outage left behind.
            pass


class S3Appending:
    """A request's bytes after the upload's own: full parts are sent as they fill, while later bytes
    arrive; what is short of a part is kept as the upload's tail object until the next request."""

    def __init__(self, store: S3Store, partial: Partial, offset: int) -> None:
        self._store, self._partial = store, partial
        self._size = partial.part_size
        full, tail = divmod(offset, self._size)
        if len(partial.parts) < full:
            raise StoreUnavailable(f"the upload has {len(partial.parts)} parts recorded, not {full}")
        # Parts past the offset were sent by a request whose end was never recorded: they are sent again.
        self._parts = list(partial.parts[:full])
        # Received chunks not yet sent, joined into a part (one copy) once there are enough.
        self._pending: list[bytes] = [store.read_tail(partial, tail)] if tail else []
        self._pending_size = tail
        self._sending: list[Future[tuple[int, str]]] = []
        self._slots = threading.BoundedSemaphore(RESUMABLE_PARALLEL_PARTS)

    def _send(self, number: int, data: bytes) -> tuple[int, str]:
        try:
            answer = self._store.client.upload_part(
                Bucket=self._store.bucket,
                Key=self._store.full_key(self._partial.key),
                UploadId=self._partial.multipart,
                PartNumber=number,
                Body=data,
            )
            return number, str(answer["ETag"])
        finally:
            self._slots.release()

    def _flush(self, data: bytes) -> None:
        for failed in (f for f in self._sending if f.done() and f.exception()):
            raise failed.exception()  # type: ignore[misc]
        self._slots.acquire()
        number = len(self._parts) + len(self._sending) + 1
        self._sending.append(self._store.pool.submit(self._send, number, data))

    def _take(self, size: int) -> bytes:
        joined = b"".join(self._pending)
        data, rest = joined[:size], joined[size:]
        self._pending, self._pending_size = ([rest] if rest else []), len(rest)
        return data

    def write(self, chunk: bytes) -> None:
        self._pending.append(chunk)
        self._pending_size += len(chunk)
        try:
            while self._pending_size >= self._size:
                self._flush(self._take(self._size))
        except (BotoCoreError, ClientError) as exc:
            raise _unavailable(exc) from exc

    def save(self, final: bool) -> Partial:
        store = self._store
        try:
            self._parts += [future.result() for future in self._sending]
            self._sending = []
            tail = store.full_key(self._partial.key) + ".tail"
            if final and self._pending_size:
                self._parts.append(self._send_last())
            elif self._pending_size:
                store.client.put_object(Bucket=store.bucket, Key=tail, Body=self._take(self._pending_size))
        except (BotoCoreError, ClientError) as exc:
            raise _unavailable(exc) from exc
        return Partial(self._partial.key, self._size, self._partial.multipart, self._parts)

    def _send_last(self) -> tuple[int, str]:
        self._slots.acquire()
        return self._send(len(self._parts) + 1, self._take(self._pending_size))

    def discard(self) -> None:
        for future in self._sending:
            future.exception()  # wait: no part of this request lands after it is forgotten


class S3Assembled:
    """A finished resumable upload, completed into one object under staging/."""

    def __init__(self, store: S3Store, key: str) -> None:
        self._store, self._key = store, key

    def write(self, chunk: bytes) -> None:
        raise TypeError("an assembled upload is whole")

    def commit(self, sha256_hex: str) -> bool:
        target = self._store.full_key(object_key(sha256_hex))
        try:
            if self._store.key_exists(target):
                return False
            self._store.copy_in(self._key, target)
        except (BotoCoreError, ClientError) as exc:
            raise _unavailable(exc) from exc
        return True

    def replace(self, sha256_hex: str) -> None:
        try:
            self._store.copy_in(self._key, self._store.full_key(object_key(sha256_hex)))
        except (BotoCoreError, ClientError) as exc:
            raise _unavailable(exc) from exc

    def abort(self) -> None:
        """The upload's bytes stay, so that it can be finished again; dropping the upload removes them."""

    def read(self) -> Iterator[bytes]:
        try:
            body = self._store.client.get_object(Bucket=self._store.bucket, Key=self._key)["Body"]
        except (BotoCoreError, ClientError) as exc:
            raise _unavailable(exc) from exc
        return _chunks(body, 1024 * 1024)


class S3Store:
    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        endpoint_url: str | None = None,
        region: str | None = None,
        access_key: str | None = None,
        secret_key: str | None = None,
        retention: Retention | None = None,
    ) -> None:
        self.bucket = bucket
        self.retention = retention
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            region_name=region,
            aws_access_key_id=access_key,
            aws_secret_access_key=secret_key,
            config=Config(
                signature_version="s3v4",
                retries={"max_attempts": 3, "mode": "standard"},
                connect_timeout=5,
                read_timeout=60,
                max_pool_connections=PARALLEL_PARTS * 4,
                # SHA-256 of the whole object is checked by the portal; botocore's
                # optional per-request checksums would only cost CPU and a copy.
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
            ),
        )
        self.pool = ThreadPoolExecutor(max_workers=PARALLEL_PARTS * 2, thread_name_prefix="s3-part")
        # Server-side copies hold no bytes here: large parts, many at once.
        self.transfer = TransferConfig(
            multipart_threshold=COPY_PART_SIZE, multipart_chunksize=COPY_PART_SIZE, max_concurrency=10
        )

    def full_key(self, key: str) -> str:
        return self.prefix + key

    def copy_in(self, staged: str, target: str) -> None:
        """Copy a staged object (full keys) to its content address, inside the bucket, locked if so configured."""
        self.client.copy({"Bucket": self.bucket, "Key": staged}, self.bucket, target, Config=self.transfer)
        if self.retention:
            lock = self.retention.args()
            # Set after the copy: not every S3 service honours lock headers on CopyObject.
            self.client.put_object_retention(
                Bucket=self.bucket,
                Key=target,
                Retention={"Mode": lock["ObjectLockMode"], "RetainUntilDate": lock["ObjectLockRetainUntilDate"]},
            )

    def key_exists(self, full_key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=full_key)
        except ClientError as exc:
            if _is_not_found(exc):
                return False
            raise
        return True

    def stage(self, expected_sha256: str | None = None) -> S3Staging:
        return S3Staging(self, expected_sha256)

    def exists(self, key: str) -> bool:
        try:
            return self.key_exists(self.full_key(check_key(key)))
        except (BotoCoreError, ClientError) as exc:
            raise _unavailable(exc) from exc

    def size(self, key: str) -> int:
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self.full_key(check_key(key)))
        except ClientError as exc:
            if _is_not_found(exc):
                raise ObjectMissing(key) from exc
            raise _unavailable(exc) from exc
        except BotoCoreError as exc:
            raise _unavailable(exc) from exc
        return int(head["ContentLength"])

    def read(self, key: str, chunk_size: int = 1024 * 1024) -> Iterator[bytes]:
        try:
            body = self.client.get_object(Bucket=self.bucket, Key=self.full_key(check_key(key)))["Body"]
        except ClientError as exc:
            if _is_not_found(exc):
                raise ObjectMissing(key) from exc
            raise _unavailable(exc) from exc
        except BotoCoreError as exc:
            raise _unavailable(exc) from exc
        return _chunks(body, chunk_size)

    def put_derived(self, key: str, data: bytes, media_type: str) -> None:
        try:
            self.client.put_object(
                Bucket=self.bucket, Key=self.full_key(check_key(key)), Body=data, ContentType=media_type
            )
        except (BotoCoreError, ClientError) as exc:
            raise _unavailable(exc) from exc

    def delete(self, key: str) -> None:
        try:
            self.client.delete_object(Bucket=self.bucket, Key=self.full_key(check_key(key)))
        except (BotoCoreError, ClientError) as exc:
            raise _unavailable(exc) from exc

    def listing(self, area: str) -> Iterator[Listed]:
        if area not in AREAS:
            raise ValueError(f"not a store area: {area!r}")
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=f"{self.prefix}{area}/"
        )
        try:
            for page in pages:
                for entry in page.get("Contents", []):
                    yield Listed(entry["Key"][len(self.prefix) :], entry["LastModified"], int(entry["Size"]))
        except (BotoCoreError, ClientError) as exc:
            raise _unavailable(exc) from exc

    def unfinished_uploads(self) -> Iterator[Listed]:
        pages = self.client.get_paginator("list_multipart_uploads").paginate(Bucket=self.bucket, Prefix=self.prefix)
        try:
            for page in pages:
                for upload in page.get("Uploads", []):
                    key = upload["Key"][len(self.prefix) :]
                    yield Listed(key, upload["Initiated"], upload_id=upload["UploadId"])
        except (BotoCoreError, ClientError) as exc:
            raise _unavailable(exc) from exc

    def remove(self, found: Listed) -> None:
        full = self.full_key(check_leftover(found.key))
        try:
            if found.upload_id is not None:
                self.client.abort_multipart_upload(Bucket=self.bucket, Key=full, UploadId=found.upload_id)
                return
            self._refuse_if_retained(found.key, full)
            # A versioned bucket (Object Lock makes one) keeps every version behind a plain delete.
            answer = self.client.list_object_versions(Bucket=self.bucket, Prefix=full)
            versions = [
                v["VersionId"]
                for v in answer.get("Versions", []) + answer.get("DeleteMarkers", [])
                if v["Key"] == full and v.get("VersionId") not in (None, "null")
            ]
            for version in versions:
                self.client.delete_object(Bucket=self.bucket, Key=full, VersionId=version)
            if not versions:
                self.client.delete_object(Bucket=self.bucket, Key=full)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "AccessDenied" and self.retention is not None:
                raise ObjectLocked(found.key, self.retention.mode, "its retention date") from exc
            raise _unavailable(exc) from exc
        except BotoCoreError as exc:
            raise _unavailable(exc) from exc

    def _refuse_if_retained(self, key: str, full: str) -> None:
        try:
            retention = self.client.get_object_retention(Bucket=self.bucket, Key=full)["Retention"]
        except ClientError:
            return  # no Object Lock on the bucket, or none on this object
        until = retention.get("RetainUntilDate")
        if until is not None and until > datetime.now(UTC):
            raise ObjectLocked(key, retention.get("Mode", ""), until.date().isoformat())

    def begin_partial(self, name: str, length: int) -> Partial:
        size = max(RESUMABLE_PART_SIZE, -(-length // MAX_PARTS))
        key = partial_key(name)
        try:
            upload = self.client.create_multipart_upload(Bucket=self.bucket, Key=self.full_key(key))
        except (BotoCoreError, ClientError) as exc:
            raise _unavailable(exc) from exc
        return Partial(key, size, upload["UploadId"])

    def append_partial(self, partial: Partial, offset: int) -> S3Appending:
        return S3Appending(self, partial, offset)

    def read_tail(self, partial: Partial, size: int) -> bytes:
        """The first ``size`` bytes of the upload's tail object: what it has past its last full part."""
        try:
            body = self.client.get_object(
                Bucket=self.bucket, Key=self.full_key(partial.key) + ".tail", Range=f"bytes=0-{size - 1}"
            )["Body"]
            with body:
                data = body.read()
        except ClientError as exc:
            if _is_not_found(exc):
                raise StoreUnavailable("the upload's tail object is gone") from exc
            raise _unavailable(exc) from exc
        except BotoCoreError as exc:
            raise _unavailable(exc) from exc
        if len(data) != size:
            raise StoreUnavailable(f"the upload's tail object holds {len(data)} bytes, not {size}")
        return bytes(data)

    def read_partial(self, partial: Partial, size: int) -> bytes:
        return self.read_tail(partial, size)

    def assemble_partial(self, partial: Partial) -> S3Assembled:
        key = self.full_key(partial.key)
        parts = [{"PartNumber": number, "ETag": etag} for number, etag in partial.parts]
        try:
            self.client.complete_multipart_upload(
                Bucket=self.bucket, Key=key, UploadId=partial.multipart, MultipartUpload={"Parts": parts}
            )
        except ClientError as exc:
            # Completed before, by a finish that failed later: the object is there.
            if exc.response.get("Error", {}).get("Code") != "NoSuchUpload" or not self.key_exists(key):
                raise _unavailable(exc) from exc
        except BotoCoreError as exc:
            raise _unavailable(exc) from exc
        return S3Assembled(self, key)

    def drop_partial(self, partial: Partial) -> None:
        key = self.full_key(partial.key)
        try:
            if partial.multipart is not None:
                try:
                    self.client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=partial.multipart)
                except ClientError as exc:
                    if exc.response.get("Error", {}).get("Code") != "NoSuchUpload":
                        raise
            for leftover in (key, key + ".tail"):
                self.client.delete_object(Bucket=self.bucket, Key=leftover)
        except (BotoCoreError, ClientError) as exc:
            raise _unavailable(exc) from exc

    def retention_report(self) -> list[str]:
        """Whether the bucket enforces Object Lock, and what the portal asks of it."""
        asked = f"{self.retention.mode} for {self.retention.days} days" if self.retention else "nothing (not set)"
        try:
            answer = self.client.get_object_lock_configuration(Bucket=self.bucket)["ObjectLockConfiguration"]
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code in {"ObjectLockConfigurationNotFoundError", "NoSuchObjectLockConfiguration"}:
                return [
                    f"bucket {self.bucket}: Object Lock is NOT enabled; stored evidence can be deleted or overwritten",
                    f"portal asks for retention: {asked}",
                ]
            raise _unavailable(exc) from exc
        except BotoCoreError as exc:
            raise _unavailable(exc) from exc
        enabled = answer.get("ObjectLockEnabled") == "Enabled"
        rule = answer.get("Rule", {}).get("DefaultRetention")
        default = "none"
        if rule:
            default = (
                f"{rule.get('Mode')} for {rule['Days']} days"
                if rule.get("Days")
                else f"{rule.get('Mode')} for {rule.get('Years')} years"
            )
        enforced = enabled and (self.retention is not None or rule is not None)
        verdict = "evidence objects are retained by the bucket" if enforced else "evidence objects are NOT retained"
        return [
            f"bucket {self.bucket}: Object Lock {'enabled' if enabled else 'not enabled'}, default retention {default}",
            f"portal asks for retention: {asked}",
            verdict + ("" if enforced or not enabled else ": set OBJECT_LOCK_MODE"),
        ]
