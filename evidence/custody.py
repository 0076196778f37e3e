"""Hash-chained custody records: each entry commits to the one before it.

An entry's hash covers its position, its content and the previous entry's
hash, so editing, removing or reordering any entry breaks every later link;
keeping the latest hash beside the item (the chain head) also exposes a
removed last entry.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def entry_hash(prev_hash: str, seq: int, record: Mapping[str, Any]) -> str:
    """SHA-256 over the canonical JSON of the entry and the previous hash."""
    body = json.dumps(
        {"prev": prev_hash, "seq": seq, "record": record},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Entry:
    seq: int
    record: Mapping[str, Any]
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    problems: tuple[str, ...]


def verify_chain(entries: Sequence[Entry], head: str | None = None) -> ChainReport:
    """Check every link of a chain (entries in sequence order) and its head."""
    problems: list[str] = []
    prev = GENESIS
    for expected_seq, entry in enumerate(entries, start=1):
        if entry.seq != expected_seq:
            problems.append(f"entry {expected_seq} is missing (found entry {entry.seq} in its place)")
        if entry.prev_hash != prev:
            problems.append(f"entry {entry.seq} does not link to the entry before it")
        recomputed = entry_hash(entry.prev_hash, entry.seq, entry.record)
        if recomputed != entry.hash:
            problems.append(f"entry {entry.seq} was altered (its hash does not match its content)")
        prev = entry.hash
    if head is not None and prev != head:
        problems.append("the chain does not end at the recorded head: entries were removed or added")
    return ChainReport(ok=not problems, problems=tuple(problems))
