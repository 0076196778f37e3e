"""A store in a local directory: the embedded default."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from evidence.errors import ObjectMissing, StoreUnavailable
from evidence.stores import check_key, object_key


def _chunks(handle: BinaryIO, chunk_size: int) -> Iterator[bytes]:
    with handle:
        while chunk := handle.read(chunk_size):
            yield chunk


class DirectoryStaging:
    def __init__(self, store: DirectoryStore) -> None:
        self._store = store
        fd, name = tempfile.mkstemp(dir=store.staging_dir, prefix="upload-")
        self._path = Path(name)
        self._file = os.fdopen(fd, "wb")

    def write(self, chunk: bytes) -> None:
        try:
            self._file.write(chunk)
        except OSError as exc:
            self.abort()
            raise StoreUnavailable(exc.strerror or str(exc)) from exc

    def commit(self, sha256_hex: str) -> bool:
        target = self._store.path(object_key(sha256_hex))
        try:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            target.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(self._path, 0o444)
            try:
                # link() fails when the object exists: the same bytes are kept once.
                os.link(self._path, target)
                created = True
            except FileExistsError:
                created = False
        except OSError as exc:
            raise StoreUnavailable(exc.strerror or str(exc)) from exc
        finally:
            self.abort()
        return created

    def abort(self) -> None:
        if not self._file.closed:
            self._file.close()
        self._path.unlink(missing_ok=True)


class DirectoryStore:
    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).resolve()
        self.staging_dir = self.root / "staging"
        self.staging_dir.mkdir(parents=True, exist_ok=True)

    def path(self, key: str) -> Path:
        path = (self.root / check_key(key)).resolve()
        if os.path.commonpath([self.root, path]) != str(self.root):
            raise ValueError(f"key escapes the store: {key!r}")
        return path

    def stage(self, expected_sha256: str | None = None) -> DirectoryStaging:
        try:
            return DirectoryStaging(self)
        except OSError as exc:
            raise StoreUnavailable(exc.strerror or str(exc)) from exc

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def size(self, key: str) -> int:
        try:
            return self.path(key).stat().st_size
        except FileNotFoundError as exc:
            raise ObjectMissing(key) from exc

    def read(self, key: str, chunk_size: int = 1024 * 1024) -> Iterator[bytes]:
        try:
            handle = self.path(key).open("rb")
        except FileNotFoundError as exc:
            raise ObjectMissing(key) from exc
        return _chunks(handle, chunk_size)

    def put_derived(self, key: str, data: bytes, media_type: str) -> None:
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def retention_report(self) -> list[str]:
        return [
            f"directory store {self.root}: files are written read-only (0444), but anyone with write access "
            "to the folder can remove them; Object Lock needs an S3 store"
        ]

    def download_url(self, key: str, filename: str, media_type: str) -> str | None:
        return None
