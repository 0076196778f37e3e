"""Perceptual fingerprints: what they hold and how far apart two are (made in :mod:`evidence.perceptual`).

A shop photo reaches the portal recompressed, resized, cropped a little,
turned a few degrees, brightened, watermarked, framed or made grey. One
pHash survives some of that; a fingerprint is a small family of pHashes
(imagehash's DCT hash, 64 bits each) of the same picture seen through
different windows, so that at least one pair stays close:

- ``full``: the whole picture in grey, after cutting off a uniform border;
- ``centre``: its central 70 %, which a crop of a few per cent or a watermark
  near the edge barely touches;
- ``probes``: the centre window as it would be after turning the picture
  ±4° or cropping 5 % from one corner. A probe is compared with the other
  picture's centre, so the pair matches whichever of the two was altered.

Two fingerprints are as close as their closest compatible pair
(:data:`COMPATIBLE`). On 39 real photographs and 390 altered copies
(``bench/neardup.py``) the default of 12 bits catches 98.7 % of the copies,
where one plain pHash catches 75 %, and no two different photographs come
closer than 14.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

DEFAULT_THRESHOLD = 12
# Pairs are recorded up to this distance. Beyond 14 bits the benchmark finds no further altered
# copy, only false matches, and the index's search would cost as much as a full scan.
MAX_THRESHOLD = 14
# Recall and false matches at each threshold, as bench/neardup.py last measured them.
REFERENCE = Path(__file__).parent / "data" / "neardup_reference.json"


class Family(StrEnum):
    FULL = "full"
    CENTRE = "centre"
    PROBE = "probe"


# Which stored family a code of each family is compared with.
COMPATIBLE: dict[Family, tuple[Family, ...]] = {
    Family.FULL: (Family.FULL,),
    Family.CENTRE: (Family.CENTRE, Family.PROBE),
    Family.PROBE: (Family.CENTRE,),
}


@dataclass(frozen=True)
class Fingerprint:
    full: int
    centre: int
    probes: tuple[int, ...]

    def codes(self) -> list[tuple[Family, int]]:
        """Every code with its family, as stored and indexed."""
        return [(Family.FULL, self.full), (Family.CENTRE, self.centre)] + [(Family.PROBE, p) for p in self.probes]

    @classmethod
    def from_codes(cls, codes: list[tuple[Family, int]]) -> Fingerprint:
        by_family: dict[Family, list[int]] = {f: [] for f in Family}
        for family, code in codes:
            by_family[family].append(code)
        return cls(by_family[Family.FULL][0], by_family[Family.CENTRE][0], tuple(by_family[Family.PROBE]))


def hamming(a: int, b: int) -> int:
    return (a ^ b).bit_count()


def distance(a: Fingerprint, b: Fingerprint) -> int:
    """Bits apart (0-64) at the closest compatible pair of codes."""
    return min(
        hamming(a.full, b.full),
        hamming(a.centre, b.centre),
        *(hamming(p, b.centre) for p in a.probes),
        *(hamming(a.centre, p) for p in b.probes),
    )


def reference_trade_offs() -> dict[str, Any] | None:
    """What bench/neardup.py measured at each threshold on real photographs, if it was run."""
    if not REFERENCE.exists():
        return None
    measured: dict[str, Any] = json.loads(REFERENCE.read_text())
    return measured
