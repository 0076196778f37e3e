"""Perceptual hashes and thumbnails for image evidence, decoded out of process.

The decoding itself is in :mod:`evidence.image_decoder`, run as a child
process so that the caller never loads the image libraries, never holds a
decoded picture in memory, and survives a decoder that crashes.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from evidence.decoding import run_decoder

DECODE_SECONDS = 120


@dataclass(frozen=True)
class ImageFacts:
    width: int
    height: int
    phash: str
    dhash: str
    thumbnail_jpeg: bytes


def analyse(path: Path) -> ImageFacts:
    """Decode the image at ``path`` once: pHash, dHash and a JPEG thumbnail."""
    with tempfile.TemporaryDirectory(prefix="thumb-") as scratch:
        thumbnail = Path(scratch) / "thumb.jpg"
        facts = run_decoder("evidence.image_decoder", [str(path), str(thumbnail)], DECODE_SECONDS, "image")
        return ImageFacts(
            width=facts["width"],
            height=facts["height"],
            phash=facts["phash"],
            dhash=facts["dhash"],
            thumbnail_jpeg=thumbnail.read_bytes(),
        )
