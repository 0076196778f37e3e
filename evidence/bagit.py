"""BagIt bags (RFC 8493) written as a streamed ZIP.

The originals' check values come from their receipts, so they flow from the
store straight into the ZIP without being hashed again, buffered or copied;
the small files are made in memory, the slow ones while the originals flow.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

from zipstream import ZIP_STORED, ZipStream

BAGIT_TXT = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
ALGORITHMS = ("sha256", "sha512")


def encode_path(path: str) -> str:
    """Manifest paths percent-encode CR, LF and % (RFC 8493 section 2.1.3)."""
    return path.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def decode_path(path: str) -> str:
    return path.replace("%0D", "\r").replace("%0A", "\n").replace("%0d", "\r").replace("%0a", "\n").replace("%25", "%")


@dataclass(frozen=True)
class BagFile:
    """A payload file: its path under ``data/``, size, check values, and where its bytes come from."""

    path: str
    size: int
    digests: Mapping[str, str]
    content: bytes | Callable[[], Iterable[bytes]]

    @classmethod
    def of(cls, path: str, content: bytes) -> BagFile:
        return cls(path, len(content), {name: hashlib.new(name, content).hexdigest() for name in ALGORITHMS}, content)


def manifest(files: Iterable[tuple[str, Mapping[str, str]]], algorithm: str) -> bytes:
    lines = sorted(f"{digests[algorithm]}  {encode_path(path)}\n" for path, digests in files)
    return "".join(lines).encode()


def bag_info(fields: Mapping[str, str], payload: list[BagFile]) -> bytes:
    octets = sum(f.size for f in payload)
    lines = {**fields, "Payload-Oxum": f"{octets}.{len(payload)}"}
    return "".join(f"{label}: {value}\n" for label, value in lines.items()).encode()


def stream_bag(
    name: str,
    payload: list[BagFile],
    late: Mapping[str, Callable[[], bytes]],
    info: Mapping[str, str],
    tags: Mapping[str, bytes],
    seal: Callable[[bytes], Mapping[str, bytes]],
) -> ZipStream:
    """The bag as a ZIP stream.

    ``payload`` files stream first (originals straight from their source, one
    open at a time); ``late`` payload files are produced only when the stream
    reaches them, so slow ones (a rendered PDF) are made while the originals
    flow. Manifests, tag manifests and the ``seal`` files over
    ``tagmanifest-sha256.txt`` (signature, timestamp) follow once every check
    value is known.
    """
    archive = ZipStream(compress_type=ZIP_STORED)
    archive.add(BAGIT_TXT, f"{name}/bagit.txt")
    produced: list[BagFile] = []
    for item in payload:
        content = item.content if isinstance(item.content, bytes) else _lazy(item.content)
        archive.add(content, f"{name}/data/{item.path}")
    for path, produce in late.items():
        archive.add(_produce(path, produce, produced), f"{name}/data/{path}")

    def finish() -> Iterator[bytes]:
        files = payload + produced
        algorithms = [a for a in ALGORITHMS if all(a in f.digests for f in files)]
        entries = [("data/" + f.path, f.digests) for f in files]
        tag_files = {
            "bagit.txt": BAGIT_TXT,
            "bag-info.txt": bag_info(info, files),
            **{f"manifest-{a}.txt": manifest(entries, a) for a in algorithms},
            **tags,
        }
        for path, body in list(tag_files.items())[2:]:
            archive.add(body, f"{name}/{path}")
        tag_entries = [
            (path, {a: hashlib.new(a, body).hexdigest() for a in ALGORITHMS}) for path, body in tag_files.items()
        ]
        tag_manifests = {a: manifest(tag_entries, a) for a in ALGORITHMS}
        for algorithm, body in tag_manifests.items():
            archive.add(body, f"{name}/tagmanifest-{algorithm}.txt")
        for path, body in seal(tag_manifests["sha256"]).items():
            archive.add(body, f"{name}/{path}")
        yield tag_files["bag-info.txt"]

    # bag-info.txt needs the late files' sizes; producing it queues the rest of the tag files.
    archive.add(finish(), f"{name}/bag-info.txt")
    return archive


def _produce(path: str, produce: Callable[[], bytes], produced: list[BagFile]) -> Iterator[bytes]:
    made = BagFile.of(path, produce())
    produced.append(made)
    yield made.content  # type: ignore[misc]


def _lazy(open_: Callable[[], Iterable[bytes]]) -> Iterator[bytes]:
    """Open the source only when the archive reaches it, so one file is open at a time."""
    yield from open_()
