"""Perceptual hashes and thumbnails for image evidence, decoded out of process.

The decoding itself is in :mod:`evidence.image_decoder`, run as a child
process so that the caller never loads the image libraries, never holds a
decoded picture in memory, and survives a decoder that crashes.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from evidence.errors import ImageRefused

DECODE_SECONDS = 120
_REFUSED = 3


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
        try:
            done = subprocess.run(  # noqa: S603 - our own module, paths we made
                [sys.executable, "-m", "evidence.image_decoder", str(path), str(thumbnail)],
                capture_output=True,
                timeout=DECODE_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise ImageRefused(f"The image took more than {DECODE_SECONDS} s to decode and was refused.") from exc
        if done.returncode == _REFUSED:
            raise ImageRefused(json.loads(done.stdout)["error"])
        if done.returncode != 0:
            raise ImageRefused("The image could not be decoded safely: the decoder failed on it.")
        facts = json.loads(done.stdout)
        return ImageFacts(
            width=facts["width"],
            height=facts["height"],
            phash=facts["phash"],
            dhash=facts["dhash"],
            thumbnail_jpeg=thumbnail.read_bytes(),
        )
