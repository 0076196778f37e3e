"""The node-store log gives exactly the roots and proofs of the plain Merkle functions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pytest

from evidence import merkle, tlog


class Counting:
    """A dict of nodes that counts how many it is asked for."""

    def __init__(self) -> None:
        self.nodes: dict[tlog.Node, bytes] = {}
        self.reads = 0

    def read(self, wanted: Iterable[tlog.Node]) -> Mapping[tlog.Node, bytes]:
        wanted = list(wanted)
        self.reads += len(wanted)
        return {node: self.nodes[node] for node in wanted}


def build(size: int) -> tuple[Counting, list[bytes]]:
    store, leaves = Counting(), []
    for index in range(size):
        leaf = merkle.leaf_hash(b"custody event %d" % index)
        leaves.append(leaf)
        for level, position, digest in tlog.append(index, leaf, store.read):
            store.nodes[(level, position)] = digest
    return store, leaves


def test_roots_and_proofs_equal_the_plain_functions() -> None:
    store, leaves = build(40)
    for size in range(1, 41):
        assert tlog.root(size, store.read) == merkle.root(leaves[:size])
        for index in range(size):
            assert tlog.inclusion_proof(index, size, store.read) == merkle.inclusion_proof(index, leaves[:size])
        for old in range(1, size + 1):
            assert tlog.consistency_proof(old, size, store.read) == merkle.consistency_proof(old, leaves[:size])
    assert tlog.root(0, store.read) == merkle.EMPTY_ROOT


def test_only_perfect_subtrees_are_stored_and_reads_stay_logarithmic() -> None:
    store, leaves = build(1000)
    # n leaves have at most 2n - 1 perfect subtrees
    assert len(store.nodes) <= 2 * 1000 - 1
    store.reads = 0
    proof = tlog.inclusion_proof(777, 1000, store.read)
    merkle.verify_inclusion(777, 1000, leaves[777], proof, tlog.root(1000, store.read))
    assert store.reads <= 4 * (1000).bit_length()


def test_out_of_range_requests_are_refused() -> None:
    store, _ = build(3)
    with pytest.raises(ValueError, match="not in a tree"):
        tlog.inclusion_proof(3, 3, store.read)
    with pytest.raises(ValueError, match="no consistency proof"):
        tlog.consistency_proof(0, 3, store.read)


def test_batched_proofs_equal_single_ones_in_one_read() -> None:
    store, leaves = build(37)
    calls = []
    batched = tlog.inclusion_proofs([0, 5, 5, 36, 17], 37, lambda wanted: calls.append(1) or store.read(wanted))
    assert len(calls) == 1 and sorted(batched) == [0, 5, 17, 36]
    assert all(batched[i] == merkle.inclusion_proof(i, leaves) for i in batched)
    assert tlog.inclusion_proofs([], 37, store.read) == {}
