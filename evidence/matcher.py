"""Fingerprints of many pictures, searched by distance.

One :class:`~evidence.hamming.HammingIndex` per fingerprint family; a query
looks each of its codes up in the indexes of the families it is compared
with (:data:`~evidence.fingerprints.COMPATIBLE`), so a search finds exactly
the pictures :func:`~evidence.fingerprints.distance` would put within the
threshold. A picture is known by an integer reference chosen by the caller.
"""

from __future__ import annotations

import numpy as np

from evidence.fingerprints import COMPATIBLE, Family, Fingerprint
from evidence.hamming import I64, U64, HammingIndex, as_codes


class Matcher:
    def __init__(self) -> None:
        self._indexes = {family: HammingIndex() for family in Family}

    def __len__(self) -> int:
        return sum(len(index) for index in self._indexes.values())

    @property
    def nbytes(self) -> int:
        return sum(index.nbytes for index in self._indexes.values())

    def add(self, refs: list[int], fingerprints: list[Fingerprint]) -> None:
        by_family: dict[Family, tuple[list[int], list[int]]] = {f: ([], []) for f in Family}
        for ref, print_ in zip(refs, fingerprints, strict=True):
            for family, code in print_.codes():
                by_family[family][0].append(ref)
                by_family[family][1].append(code)
        for family, (ids, codes) in by_family.items():
            if ids:
                self.add_codes(family, as_codes(codes), np.array(ids, dtype=np.int64))

    def add_codes(self, family: Family, codes: U64, refs: I64) -> None:
        """Codes of one family in bulk, each with the reference of its picture."""
        self._indexes[family].add(codes, refs)

    def search(self, print_: Fingerprint, threshold: int) -> dict[int, int]:
        """Every picture within ``threshold`` bits, with its distance."""
        # Each index is searched once, with every code of the query that is compared with it.
        asked: dict[Family, list[int]] = {family: [] for family in Family}
        for family, code in print_.codes():
            for other in COMPATIBLE[family]:
                asked[other].append(code)
        found: dict[int, int] = {}
        for family, codes in asked.items():
            _, ids, distances = self._indexes[family].search(codes, threshold)
            for ref, bits in zip(ids.tolist(), distances.tolist(), strict=True):
                if bits < found.get(ref, 65):
                    found[ref] = bits
        return found
