"""The exact bytes the portal signs and logs: RFC 8785 canonical JSON.

Canonical JSON gives one byte string per value, so anyone can re-serialise a
record and get the bytes that were hashed and signed, in any language.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import rfc8785

from evidence.custody import Entry

CUSTODY_TYPE = "ip-evidence-portal/custody@v1"
RECEIPT_TYPE = "ip-evidence-portal/receipt@v1"
STATEMENT_TYPE = "ip-evidence-portal/export@v1"
PARTICIPATION_TYPE = "ip-evidence-portal/participation@v1"


SAFE_INTEGER = 2**53 - 1


def canonical(value: Any) -> bytes:
    """RFC 8785 bytes of ``value``. For the records the portal writes (strings, whole numbers, booleans, null,
    lists and objects with keys in the Basic Multilingual Plane) the standard library's JSON, keys sorted and
    nothing escaped but what must be, gives the same bytes several times faster; rfc8785 writes the rest
    (fractions, numbers beyond 2^53, keys that sort differently in UTF-16)."""
    if _plain(value):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    return rfc8785.dumps(value)


def _plain(value: Any) -> bool:
    if value is None or isinstance(value, str | bool):
        return True
    if isinstance(value, int):
        return -SAFE_INTEGER <= value <= SAFE_INTEGER
    if isinstance(value, list | tuple):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and k.isascii() and _plain(v) for k, v in value.items())
    return False


def utc_timestamp(moment: datetime) -> str:
    """RFC 3339 in UTC with a Z, the one way times are written in signed records."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def custody_leaf(evidence_id: int, entry: Entry) -> bytes:
    """A custody entry as logged: one leaf per event, a line of ``custody/<id>.jsonl``."""
    return canonical(
        {
            "type": CUSTODY_TYPE,
            "evidence_id": evidence_id,
            "seq": entry.seq,
            "prev": entry.prev_hash,
            "hash": entry.hash,
            "record": dict(entry.record),
        }
    )


def participation_leaf(act: str, fields: Mapping[str, Any]) -> bytes:
    """An act in a case's proceedings as logged: a notice served, a submission, a hearing changed..."""
    return canonical({"type": PARTICIPATION_TYPE, "act": act, **fields})


def parse_custody_leaf(line: bytes) -> tuple[int, Entry]:
    """The evidence id and entry of a logged custody line (raises ValueError)."""
    value = json.loads(line)
    if not isinstance(value, Mapping) or value.get("type") != CUSTODY_TYPE:
        raise ValueError("not a custody record")
    try:
        entry = Entry(int(value["seq"]), value["record"], str(value["prev"]), str(value["hash"]))
        return int(value["evidence_id"]), entry
    except (KeyError, TypeError) as exc:
        raise ValueError(f"custody record lacks {exc}") from None
