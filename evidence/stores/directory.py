"""A store in a local directory: the embedded default."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from evidence.errors import ObjectMissing, StoreUnavailable
from evidence.stores import AREAS, Listed, Partial, check_key, check_leftover, object_key, partial_key


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


def _unavailable(exc: OSError) -> StoreUnavailable:
    return StoreUnavailable(exc.strerror or str(exc))


class DirectoryStaging:
    def __init__(self, store: DirectoryStore, path: Path | None = None) -> None:
        """A new staged file, or (``path``) a resumable upload's file, whole: that one is the upload's,
        and an abort leaves it, so that the upload can be finished again."""
        self._store = store
        self._owned = path is None
        if path is None:
            fd, name = tempfile.mkstemp(dir=store.staging_dir, prefix="upload-")
            self._path = Path(name)
            self._file = os.fdopen(fd, "wb")
        else:
            self._path = path
            self._file = path.open("ab")

    def write(self, chunk: bytes) -> None:
        try:
            self._file.write(chunk)
        except OSError as exc:
            self.abort()
            raise _unavailable(exc) from exc

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
            raise _unavailable(exc) from exc
        self._file.close()
        self._path.unlink(missing_ok=True)
        return True

    def replace(self, sha256_hex: str) -> None:
        target = self._store.path(object_key(sha256_hex))
        try:
            self._seal()
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self._path, target)  # atomic: readers see the old file or the new, never a mixture
            _sync_dir(target.parent)
        except OSError as exc:
            raise _unavailable(exc) from exc
        finally:
            self.abort()

    def abort(self) -> None:
        if not self._file.closed:
            self._file.close()
        if self._owned:
            self._path.unlink(missing_ok=True)

    def read(self) -> Iterator[bytes]:
        return _chunks(self._path.open("rb"), 1024 * 1024)


class DirectoryAppending:
    """Appends to the upload's file; ``discard`` cuts it back to where the request began."""

    def __init__(self, path: Path, partial: Partial, offset: int) -> None:
        self._partial, self._offset = partial, offset
        try:
            self._file = path.open("r+b")
            if os.fstat(self._file.fileno()).st_size < offset:
                self._file.close()
                raise StoreUnavailable(f"the upload's file holds fewer than its {offset} recorded bytes")
            # Bytes past the offset were written by a request whose end was never recorded.
            self._file.truncate(offset)
            self._file.seek(offset)
        except FileNotFoundError as exc:
            raise StoreUnavailable("the upload's file is gone") from exc
        except OSError as exc:
            raise _unavailable(exc) from exc

    def write(self, chunk: bytes) -> None:
        try:
            self._file.write(chunk)
        except OSError as exc:
            raise _unavailable(exc) from exc

    def save(self, final: bool) -> Partial:
        try:
            self._file.flush()
            os.fsync(self._file.fileno())
        except OSError as exc:
            raise _unavailable(exc) from exc
        finally:
            self._file.close()
        return self._partial

    def discard(self) -> None:
        try:
            if not self._file.closed:
                self._file.truncate(self._offset)
        finally:
            self._file.close()


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
            raise _unavailable(exc) from exc

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
            raise _unavailable(exc) from exc

    def _partial_path(self, partial: Partial) -> Path:
        return self.root / check_leftover(partial.key)

    def begin_partial(self, name: str, length: int) -> Partial:
        partial = Partial(partial_key(name))
        try:
            self._partial_path(partial).touch(exist_ok=False)
        except OSError as exc:
            raise _unavailable(exc) from exc
        return partial

    def append_partial(self, partial: Partial, offset: int) -> DirectoryAppending:
        return DirectoryAppending(self._partial_path(partial), partial, offset)

    def read_partial(self, partial: Partial, size: int) -> bytes:
        try:
            with self._partial_path(partial).open("rb") as handle:
                return handle.read(size)
        except OSError as exc:
            raise _unavailable(exc) from exc

    def assemble_partial(self, partial: Partial) -> DirectoryStaging:
        try:
            return DirectoryStaging(self, self._partial_path(partial))
        except OSError as exc:
            raise _unavailable(exc) from exc

    def drop_partial(self, partial: Partial) -> None:
        try:
            self._partial_path(partial).unlink(missing_ok=True)
        except OSError as exc:
            raise _unavailable(exc) from exc

    def retention_report(self) -> list[str]:
        return [
            f"directory store {self.root}: files are written read-only (0444), but anyone with write access "
            "to the folder can remove them; Object Lock needs an S3 store"
        ]
