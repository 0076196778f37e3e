"""A store in a local directory: the embedded default."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from evidence.errors import ObjectMissing, StoreUnavailable
from evidence.stores import AREAS, Listed, check_key, check_leftover, object_key


def _chunks(handle: BinaryIO, chunk_size: int) -> Iterator[bytes]:
    with handle:
        while chunk := handle.read(chunk_size):
            yield chunk


def _sync_dir(path: Path) -> None:
    """Make a new directory entry durable, so a crash after the answer cannot lose the object."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


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

    def _seal(self) -> None:
        """Make the staged file durable and read-only before it is given an address."""
        if not self._file.closed:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            os.chmod(self._path, 0o444)

    def commit(self, sha256_hex: str) -> bool:
        target = self._store.path(object_key(sha256_hex))
        try:
            self._seal()
            target.parent.mkdir(parents=True, exist_ok=True)
            # link() fails when the object exists: the caller then checks what is there.
            os.link(self._path, target)
            _sync_dir(target.parent)
        except FileExistsError:
            return False
        except OSError as exc:
            self.abort()
            raise StoreUnavailable(exc.strerror or str(exc)) from exc
        self.abort()
        return True

    def replace(self, sha256_hex: str) -> None:
        target = self._store.path(object_key(sha256_hex))
        try:
            self._seal()
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self._path, target)  # atomic: readers see the old file or the new, never a mixture
            _sync_dir(target.parent)
        except OSError as exc:
            raise StoreUnavailable(exc.strerror or str(exc)) from exc
        finally:
            self.abort()

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

    def listing(self, area: str) -> Iterator[Listed]:
        if area not in AREAS:
            raise ValueError(f"not a store area: {area!r}")
        for folder, _dirs, files in os.walk(self.root / area):
            for name in files:
                path = Path(folder, name)
                try:
                    stat = path.stat()
                except FileNotFoundError:
                    continue  # gone while we looked: an upload finishing or aborting
                key = path.relative_to(self.root).as_posix()
                yield Listed(key, datetime.fromtimestamp(stat.st_mtime, UTC), stat.st_size)

    def unfinished_uploads(self) -> Iterator[Listed]:
        return iter(())  # an unfinished upload here is a file in staging/

    def remove(self, found: Listed) -> None:
        path = (self.root / check_leftover(found.key)).resolve()
        if os.path.commonpath([self.root, path]) != str(self.root):
            raise ValueError(f"key escapes the store: {found.key!r}")
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            raise StoreUnavailable(exc.strerror or str(exc)) from exc

    def retention_report(self) -> list[str]:
        return [
            f"directory store {self.root}: files are written read-only (0444), but anyone with write access "
            "to the folder can remove them; Object Lock needs an S3 store"
        ]
