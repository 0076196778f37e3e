"""Previews, perceptual fingerprints and file metadata of images, PDFs and videos.

The decoding is in :mod:`evidence.media_decoder`, run as a child process
under a memory limit and a time limit. The original is only ever read;
previews are new files, stored as objects derived from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evidence.decoding import run_decoder
from evidence.fingerprints import Family, Fingerprint

DECODE_SECONDS = 300


# What the decoder makes previews and fingerprints of: these families, and PDF.
ANALYSABLE_FAMILIES = ("image/", "video/")
ANALYSABLE_TYPES = ("application/pdf",)


def analysable(media_type: str) -> bool:
    return media_type.startswith(ANALYSABLE_FAMILIES) or media_type in ANALYSABLE_TYPES


@dataclass(frozen=True)
class Frame:
    number: int
    """1 for an image, the page of a PDF, the place of a key frame in a video."""
    at_seconds: float | None
    preview: Path
    fingerprint: Fingerprint


@dataclass(frozen=True)
class MediaFacts:
    meta: dict[str, Any]
    frames: list[Frame]


def analyse(path: Path, media_type: str, outdir: Path) -> MediaFacts:
    """Decode the file at ``path``; previews are written into ``outdir``."""
    facts = run_decoder("evidence.media_decoder", [media_type, str(path), str(outdir)], DECODE_SECONDS, "file")
    frames = [
        Frame(
            number=f["number"],
            at_seconds=f["at"],
            preview=outdir / f["preview"],
            fingerprint=Fingerprint.from_codes([(Family(family), code) for family, code in f["codes"]]),
        )
        for f in facts["frames"]
    ]
    return MediaFacts(meta=facts["meta"], frames=frames)
