"""The Merkle code against every RFC 6962 vector, and exhaustive round trips on small trees."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from evidence import merkle

# transparency-dev/merkle's vectors, copied with their licence (Apache-2.0) beside this test.
VECTORS = Path(__file__).resolve().parent / "data" / "merkle-vectors" / "testdata"
# A missing folder must fail the suite, not quietly parametrize nothing.
assert VECTORS.is_dir(), f"the Merkle test vectors are missing: {VECTORS}"


def b64(value: str | None) -> bytes:
    return base64.b64decode(value or "")


def vectors(kind: str) -> list[Path]:
    return sorted((VECTORS / kind).glob("*/*.json"))


@pytest.mark.parametrize("path", vectors("inclusion"), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_inclusion_vectors(path: Path) -> None:
    case = json.loads(path.read_text())
    proof = [b64(p) for p in case["proof"] or []]
    verify = lambda: merkle.verify_inclusion(  # noqa: E731
        case["leafIdx"], case["treeSize"], b64(case["leafHash"]), proof, b64(case["root"])
    )
    if case["wantErr"]:
        with pytest.raises(merkle.ProofError):
            verify()
    else:
        verify()


@pytest.mark.parametrize("path", vectors("consistency"), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_consistency_vectors(path: Path) -> None:
    case = json.loads(path.read_text())
    proof = [b64(p) for p in case["proof"] or []]
    verify = lambda: merkle.verify_consistency(  # noqa: E731
        case["size1"], case["size2"], proof, b64(case["root1"]), b64(case["root2"])
    )
    if case["wantErr"]:
        with pytest.raises(merkle.ProofError):
            verify()
    else:
        verify()


@pytest.mark.parametrize("path", vectors("subtreeinclusion"), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_subtree_inclusion_vectors(path: Path) -> None:
    case = json.loads(path.read_text())
    proof = [b64(p) for p in case["proof"] or []]
    verify = lambda: merkle.verify_subtree_inclusion(  # noqa: E731
        case["leafIdx"], case["start"], case["end"], b64(case["leafHash"]), proof, b64(case["root"])
    )
    if case["wantErr"]:
        with pytest.raises(merkle.ProofError):
            verify()
    else:
        verify()


@pytest.mark.parametrize("path", vectors("subtreeconsistency"), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_subtree_consistency_vectors(path: Path) -> None:
    case = json.loads(path.read_text())
    proof = [b64(p) for p in case["proof"] or []]
    verify = lambda: merkle.verify_subtree_consistency(  # noqa: E731
        case["start"], case["end"], case["size"], proof, b64(case["root1"]), b64(case["root2"])
    )
    if case["wantErr"]:
        with pytest.raises(merkle.ProofError):
            verify()
    else:
        verify()


LEAVES = [merkle.leaf_hash(bytes([i])) for i in range(33)]


def test_inclusion_round_trips_and_altered_proofs_fail() -> None:
    for size in range(1, len(LEAVES) + 1):
        tree, root = LEAVES[:size], merkle.root(LEAVES[:size])
        for index in range(size):
            proof = merkle.inclusion_proof(index, tree)
            merkle.verify_inclusion(index, size, tree[index], proof, root)
            for position in range(len(proof)):
                altered = list(proof)
                altered[position] = bytes([altered[position][0] ^ 1]) + altered[position][1:]
                with pytest.raises(merkle.ProofError):
                    merkle.verify_inclusion(index, size, tree[index], altered, root)
            if size > 1:
                with pytest.raises(merkle.ProofError):
                    merkle.verify_inclusion((index + 1) % size, size, tree[index], proof, root)


def test_consistency_round_trips_and_altered_proofs_fail() -> None:
    for new in range(1, len(LEAVES) + 1):
        new_root = merkle.root(LEAVES[:new])
        for old in range(1, new + 1):
            old_root = merkle.root(LEAVES[:old])
            proof = merkle.consistency_proof(old, LEAVES[:new])
            merkle.verify_consistency(old, new, proof, old_root, new_root)
            for position in range(len(proof)):
                altered = list(proof)
                altered[position] = bytes([altered[position][0] ^ 1]) + altered[position][1:]
                with pytest.raises(merkle.ProofError):
                    merkle.verify_consistency(old, new, altered, old_root, new_root)
            if old < new:
                with pytest.raises(merkle.ProofError, match="shrank"):
                    merkle.verify_consistency(new, old, proof, new_root, old_root)


# RFC 6962's example tree, the one the happy-path vectors are about.
RFC_LEAVES = [
    merkle.leaf_hash(bytes.fromhex(h))
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]


@pytest.mark.parametrize("number", ["1", "2", "3", "4"])
def test_generated_proofs_equal_the_vectors(number: str) -> None:
    inclusion = json.loads((VECTORS / "inclusion" / number / "happy-path.json").read_text())
    tree = RFC_LEAVES[: inclusion["treeSize"]]
    assert merkle.root(tree) == b64(inclusion["root"])
    assert merkle.inclusion_proof(inclusion["leafIdx"], tree) == [b64(p) for p in inclusion["proof"]]
    consistency = json.loads((VECTORS / "consistency" / number / "happy-path.json").read_text())
    new_tree = RFC_LEAVES[: consistency["size2"]]
    assert merkle.root(RFC_LEAVES[: consistency["size1"]]) == b64(consistency["root1"])
    assert merkle.consistency_proof(consistency["size1"], new_tree) == [b64(p) for p in consistency["proof"]]
    assert merkle.root([]) == merkle.EMPTY_ROOT
