"""BagIt bags (RFC 8493) written as a streamed ZIP, and read back from one.

Every check value is known before the first byte is sent (the originals'
from their receipts, the rest are small and made in memory), so the archive
is a sized stream: the originals flow from the store straight into the ZIP
without being buffered or copied, and the download has a Content-Length.
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


@dataclass(frozen=True)
class Bag:
    name: str
    payload: list[BagFile]
    tag_files: dict[str, bytes]
    """Every tag file, manifests included; ``tagmanifest-*.txt`` are built from these."""

    def tag_manifest(self, algorithm: str) -> bytes:
        entries = (
            (path, {algorithm: hashlib.new(algorithm, body).hexdigest()}) for path, body in self.tag_files.items()
        )
        return manifest(entries, algorithm)


def make_bag(name: str, payload: list[BagFile], info: Mapping[str, str], extra_tags: Mapping[str, bytes]) -> Bag:
    algorithms = [a for a in ALGORITHMS if all(a in f.digests for f in payload)]
    entries = [("data/" + f.path, f.digests) for f in payload]
    tags = {
        "bagit.txt": BAGIT_TXT,
        "bag-info.txt": bag_info(info, payload),
        **{f"manifest-{a}.txt": manifest(entries, a) for a in algorithms},
        **extra_tags,
    }
    return Bag(name, payload, tags)


def _lazy(open_: Callable[[], Iterable[bytes]]) -> Iterator[bytes]:
    """Open the source only when the archive reaches it, so one file is open at a time."""
    yield from open_()


def stream_bag(bag: Bag, seals: Mapping[str, bytes]) -> ZipStream:
    """The bag as a sized ZIP stream; ``seals`` are files beside the tag manifests (signature, token)."""
    archive = ZipStream(compress_type=ZIP_STORED, sized=True)
    for item in bag.payload:
        arcname = f"{bag.name}/data/{item.path}"
        if isinstance(item.content, bytes):
            archive.add(item.content, arcname)
        else:
            archive.add(_lazy(item.content), arcname, size=item.size)
    for path, body in bag.tag_files.items():
        archive.add(body, f"{bag.name}/{path}")
    for algorithm in ALGORITHMS:
        archive.add(bag.tag_manifest(algorithm), f"{bag.name}/tagmanifest-{algorithm}.txt")
    for path, body in seals.items():
        archive.add(body, f"{bag.name}/{path}")
    return archive
