from __future__ import annotations

from dataclasses import replace

from evidence.custody import GENESIS, Entry, entry_hash, verify_chain


def chain(n: int) -> list[Entry]:
    entries, prev = [], GENESIS
    for seq in range(1, n + 1):
        record = {"action": "viewed", "actor_id": seq, "at": f"2026-11-{seq:02d}T00:00:00+00:00"}
        digest = entry_hash(prev, seq, record)
        entries.append(Entry(seq, record, prev, digest))
        prev = digest
    return entries


def test_intact_chain_verifies() -> None:
    entries = chain(5)
    assert verify_chain(entries, entries[-1].hash).ok


def test_altered_entry_is_detected() -> None:
    entries = chain(5)
    entries[2] = replace(entries[2], record={**entries[2].record, "actor_id": 99})
    report = verify_chain(entries, entries[-1].hash)
    assert not report.ok and "entry 3 was altered" in report.problems[0]


def test_removed_entry_is_detected() -> None:
    entries = chain(5)
    head = entries[-1].hash
    del entries[1]
    report = verify_chain(entries, head)
    assert not report.ok and any("entry 2 is missing" in p for p in report.problems)


def test_removed_last_entry_is_detected_by_the_head() -> None:
    entries = chain(5)
    report = verify_chain(entries[:-1], entries[-1].hash)
    assert not report.ok and "does not end at the recorded head" in report.problems[-1]
