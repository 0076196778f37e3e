"""RFC 6962 / RFC 9162 Merkle trees: hashing, proofs, and their verification.

Leaves are hashed as ``SHA-256(0x00 || data)`` and interior nodes as
``SHA-256(0x01 || left || right)``, so a leaf can never pass for a node.
Proof generation here works from the list of leaf hashes; the portal's log
keeps them in its database.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()


class ProofError(ValueError):
    """A proof does not verify; the message says why."""


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def split_point(size: int) -> int:
    """The largest power of two smaller than ``size`` (size >= 2)."""
    return 1 << ((size - 1).bit_length() - 1)


def root(leaves: Sequence[bytes]) -> bytes:
    """MTH: the root hash of a tree whose leaf hashes are ``leaves``."""
    if not leaves:
        return EMPTY_ROOT
    if len(leaves) == 1:
        return leaves[0]
    k = split_point(len(leaves))
    return node_hash(root(leaves[:k]), root(leaves[k:]))


def inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """The leaf ranges [start, end) whose roots form PATH(index) in a tree of ``size``, in proof order."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of size {size}")
    return _inclusion_ranges(index, 0, size)


def _inclusion_ranges(index: int, start: int, end: int) -> list[tuple[int, int]]:
    if end - start == 1:
        return []
    k = split_point(end - start)
    if index < start + k:
        return [*_inclusion_ranges(index, start, start + k), (start + k, end)]
    return [*_inclusion_ranges(index, start + k, end), (start, start + k)]


def consistency_ranges(old_size: int, new_size: int) -> list[tuple[int, int]]:
    """The leaf ranges whose roots form PROOF(old_size) in a tree of ``new_size`` (RFC 9162 2.1.4.1)."""
    if not 0 < old_size <= new_size:
        raise ValueError(f"no consistency proof from size {old_size} to size {new_size}")
    return _consistency_ranges(old_size, 0, new_size, True)


def _consistency_ranges(m: int, start: int, end: int, complete: bool) -> list[tuple[int, int]]:
    if m == end - start:
        return [] if complete else [(start, end)]
    k = split_point(end - start)
    if m <= k:
        return [*_consistency_ranges(m, start, start + k, complete), (start + k, end)]
    return [*_consistency_ranges(m - k, start + k, end, False), (start, start + k)]


def inclusion_proof(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PATH(index, leaves): the audit path of one leaf (RFC 9162 2.1.3.1)."""
    return [root(leaves[start:end]) for start, end in inclusion_ranges(index, len(leaves))]


def consistency_proof(old_size: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PROOF(old_size, leaves): the tree of ``old_size`` is a prefix (RFC 9162 2.1.4.1)."""
    return [root(leaves[start:end]) for start, end in consistency_ranges(old_size, len(leaves))]


def _climb(index: int, size: int, seed: bytes, proof: Sequence[bytes]) -> tuple[bytes, list[tuple[int, bytes]]]:
    """Hash ``seed`` at position ``index`` of a tree of ``size`` up to the root along ``proof``.

    RFC 9162's inclusion algorithm (2.1.3.2), also usable one level up where
    "leaves" are equal-sized nodes. Returns the root and the left siblings
    met on the way, each with its height above the seed.
    """
    if not 0 <= index < size:
        raise ProofError(f"position {index} is outside a tree of size {size}")
    fn, sn, r, height = index, size - 1, seed, 0
    lefts: list[tuple[int, bytes]] = []
    for p in proof:
        if sn == 0:
            raise ProofError("the proof is longer than the tree is deep")
        if fn & 1 or fn == sn:
            if not fn & 1:
                # The last node of its level with no right sibling moves up unchanged.
                while fn & 1 == 0 and fn != 0:
                    fn, sn, height = fn >> 1, sn >> 1, height + 1
            r = node_hash(p, r)
            lefts.append((height, p))
        else:
            r = node_hash(r, p)
        fn, sn, height = fn >> 1, sn >> 1, height + 1
    if sn != 0:
        raise ProofError("the proof is shorter than the tree is deep")
    return r, lefts


def _check_sizes(*hashes: bytes) -> None:
    if any(len(h) != HASH_SIZE for h in hashes):
        raise ProofError("hashes in a proof must be 32 bytes")


def verify_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes], expected_root: bytes) -> None:
    """Raise ProofError unless ``proof`` shows leaf ``index`` in the tree of ``size`` (RFC 9162 2.1.3.2)."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is outside a tree of size {size}")
    _check_sizes(leaf, *proof)
    if _climb(index, size, leaf, proof)[0] != expected_root:
        raise ProofError("the inclusion proof leads to a different root")


def _check_subtree(start: int, end: int) -> int:
    """The height of the subtree [start, end), which must be aligned like a tree node."""
    if not 0 <= start < end:
        raise ProofError(f"[{start}, {end}) is not a subtree")
    height = ((end - 1) ^ start).bit_length()
    if start % (1 << height):
        raise ProofError(f"[{start}, {end}) does not start at a multiple of {1 << height}")
    return height


def verify_subtree_inclusion(
    index: int, start: int, end: int, leaf: bytes, proof: Sequence[bytes], subtree_root: bytes
) -> None:
    """Raise ProofError unless ``proof`` shows leaf ``index`` in the subtree [start, end)."""
    _check_subtree(start, end)
    if not start <= index < end:
        raise ProofError(f"leaf {index} is outside the subtree [{start}, {end})")
    verify_inclusion(index - start, end - start, leaf, proof, subtree_root)


def verify_subtree_consistency(
    start: int, end: int, size: int, proof: Sequence[bytes], subtree_root: bytes, tree_root: bytes
) -> None:
    """Raise ProofError unless ``proof`` shows the subtree [start, end) with its root in the tree of ``size``."""
    if start == end and 0 <= start <= size:
        # An empty subtree is part of every tree, given the empty tree's hash and no proof.
        if proof or subtree_root != EMPTY_ROOT:
            raise ProofError("an empty subtree needs an empty proof and the empty tree's hash")
        return
    height = _check_subtree(start, end)
    if size < end:
        raise ProofError(f"the subtree ends at {end}, past the tree's {size} entries")
    _check_sizes(*proof)
    if start == 0 and end == size:
        if proof or subtree_root != tree_root:
            raise ProofError("a subtree that is the whole tree needs an empty proof and the same root")
        return
    if not proof:
        raise ProofError("the subtree consistency proof is empty")
    if end == size:
        # The subtree is a node on the tree's right edge: only left siblings lead up.
        if len(proof) != bin(start >> height).count("1"):
            raise ProofError("the subtree consistency proof has the wrong length")
        reached = subtree_root
        for p in proof:
            reached = node_hash(p, reached)
    else:
        # Climb from the rightmost perfect node inside the subtree, the leaves
        # [end - 2**low, end); its hash opens the proof unless it is the subtree.
        low = ((end - start) & -(end - start)).bit_length() - 1
        perfect = end - start == 1 << low
        seed, path = (subtree_root, list(proof)) if perfect else (proof[0], list(proof[1:]))
        reached, lefts = _climb((end - 1) >> low, ((size - 1) >> low) + 1, seed, path)
        if not perfect:
            rebuilt = seed
            for above, p in lefts:
                if low + above < height:
                    rebuilt = node_hash(p, rebuilt)
            if rebuilt != subtree_root:
                raise ProofError("the subtree consistency proof does not lead to the subtree root")
    if reached != tree_root:
        raise ProofError("the subtree consistency proof leads to a different tree root")


def verify_consistency(old_size: int, new_size: int, proof: Sequence[bytes], old_root: bytes, new_root: bytes) -> None:
    """Raise ProofError unless ``proof`` shows the old tree is a prefix of the new (RFC 9162 2.1.4.2)."""
    if old_size == 0:
        raise ProofError("a consistency proof from the empty tree proves nothing")
    if new_size < old_size:
        raise ProofError(f"the tree shrank from {old_size} to {new_size} entries")
    _check_sizes(*proof)
    if old_size == new_size:
        if proof:
            raise ProofError("trees of equal size need an empty consistency proof")
        if old_root != new_root:
            raise ProofError("trees of equal size have different roots")
        return
    if not proof:
        raise ProofError("the consistency proof is empty")
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # a power of two: the old root is the first node
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("the consistency proof is longer than the trees are deep")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("the consistency proof is shorter than the trees are deep")
    if fr != old_root:
        raise ProofError("the consistency proof does not lead to the old root")
    if sr != new_root:
        raise ProofError("the consistency proof does not lead to the new root")
