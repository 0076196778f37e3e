"""Where things are in an evidence bundle, shared by the portal that writes it and the verifier.

Paths are relative to the bag's ``data/`` directory unless they say otherwise.
"""

from __future__ import annotations

CHECKPOINT = "log/checkpoint.txt"
CHECKPOINT_STAMP = "log/checkpoint.tsr"
PREVIOUS_CHECKPOINT = "log/previous-checkpoint.txt"
CONSISTENCY = "log/consistency.json"
STATEMENT = "export/statement.json"
EVIDENCE_LIST_CSV = "evidence-list.csv"
EVIDENCE_LIST_PDF = "evidence-list.pdf"
RECEIPT_KEY = "keys/receipt.pem"
CHECKPOINT_KEY = "keys/checkpoint.vkey"
CHECKPOINT_PEM = "keys/checkpoint.pem"
TSA_CA = "keys/tsa-ca.pem"
VERIFY_MD = "VERIFY.md"  # a tag file, beside bagit.txt
SEAL = "tagmanifest-sha256.txt.sig"  # beside the tag manifest, which it signs
SEAL_STAMP = "tagmanifest-sha256.txt.tsr"


def item_dir(evidence_id: int) -> str:
    return f"evidence/{evidence_id}"


def original(evidence_id: int, filename: str) -> str:
    return f"{item_dir(evidence_id)}/original/{filename}"


def receipt(evidence_id: int) -> str:
    return f"{item_dir(evidence_id)}/receipt.json"


def receipt_proof(evidence_id: int) -> str:
    return f"{item_dir(evidence_id)}/receipt.tlog-proof"


def file_token(evidence_id: int) -> str:
    """The RFC 3161 token over the original's SHA-256."""
    return f"{item_dir(evidence_id)}/original.tsr"


def custody(evidence_id: int) -> str:
    return f"{item_dir(evidence_id)}/custody.jsonl"


def custody_proof(evidence_id: int, seq: int) -> str:
    return f"{item_dir(evidence_id)}/custody/{seq}.tlog-proof"


def signature(path: str) -> str:
    return path + ".sig"


def token(path: str) -> str:
    return path + ".tsr"
