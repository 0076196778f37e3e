"""A Merkle log kept as its perfect subtrees, so that proofs cost O(log n) reads.

Appending leaf ``i`` stores it at ``(0, i)`` and every perfect subtree it
completes at ``(level, index)``: the node covering leaves
``[index * 2**level, (index + 1) * 2**level)``. Every range an RFC 9162 proof
or root needs is either such a node or a right-edge range built from a few
of them, so a root or proof reads O(log n) nodes, all known in advance and
fetched in one batch from whatever holds them (a dict in tests, a database
table in the portal).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from evidence.merkle import EMPTY_ROOT, consistency_ranges, inclusion_ranges, node_hash, split_point

Node = tuple[int, int]
"""(level, index) of a perfect subtree."""
ReadNodes = Callable[[Iterable[Node]], Mapping[Node, bytes]]


def nodes_to_read_for_append(index: int) -> list[Node]:
    """The left siblings that appending leaf ``index`` combines with."""
    wanted, level = [], 0
    while (index >> level) & 1:
        wanted.append((level, (index >> level) - 1))
        level += 1
    return wanted


def append(index: int, leaf: bytes, read: ReadNodes) -> list[tuple[int, int, bytes]]:
    """The nodes to store when leaf ``index`` (its hash ``leaf``) is appended."""
    lefts = read(nodes_to_read_for_append(index))
    created = [(0, index, leaf)]
    current, level = leaf, 0
    while (index >> level) & 1:
        current = node_hash(lefts[(level, (index >> level) - 1)], current)
        level += 1
        created.append((level, index >> level, current))
    return created


def _range_nodes(start: int, end: int) -> list[Node]:
    """The perfect nodes that make up the RFC subtree [start, end)."""
    size = end - start
    if size & (size - 1) == 0:
        level = size.bit_length() - 1
        return [(level, start >> level)]
    k = split_point(size)
    return _range_nodes(start, start + k) + _range_nodes(start + k, end)


def _range_hash(start: int, end: int, nodes: Mapping[Node, bytes]) -> bytes:
    size = end - start
    if size & (size - 1) == 0:
        level = size.bit_length() - 1
        return nodes[(level, start >> level)]
    k = split_point(size)
    return node_hash(_range_hash(start, start + k, nodes), _range_hash(start + k, end, nodes))


def _hashes(ranges: list[tuple[int, int]], read: ReadNodes) -> list[bytes]:
    nodes = read({node for start, end in ranges for node in _range_nodes(start, end)})
    return [_range_hash(start, end, nodes) for start, end in ranges]


def root(size: int, read: ReadNodes) -> bytes:
    return _hashes([(0, size)], read)[0] if size else EMPTY_ROOT


def inclusion_proof(index: int, size: int, read: ReadNodes) -> list[bytes]:
    return _hashes(inclusion_ranges(index, size), read)


def inclusion_proofs(indexes: Iterable[int], size: int, read: ReadNodes) -> dict[int, list[bytes]]:
    """Proofs of several leaves in one tree, their nodes read in a single batch."""
    ranges = {index: inclusion_ranges(index, size) for index in set(indexes)}
    nodes = read({node for spans in ranges.values() for start, end in spans for node in _range_nodes(start, end)})
    return {index: [_range_hash(start, end, nodes) for start, end in spans] for index, spans in ranges.items()}


def consistency_proof(old_size: int, new_size: int, read: ReadNodes) -> list[bytes]:
    return _hashes(consistency_ranges(old_size, new_size), read)
