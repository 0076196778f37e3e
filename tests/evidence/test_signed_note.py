"""Signed notes and checkpoints: a known answer from Go's note package, OpenSSL, and refusals."""

from __future__ import annotations

import base64
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from evidence import merkle
from evidence.checkpoint import Checkpoint, open_checkpoint
from evidence.signed_note import NoteError, Signer, Verifier, open_note, sign

# The example of golang.org/x/mod/sumdb/note: its keys, text and signed note.
GO_SIGNER = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VERIFIER = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
GO_NOTE = GO_TEXT + (
    "\n\u2014 PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)


def go_signer() -> Signer:
    seed = base64.b64decode(GO_SIGNER.split("+", 4)[4])[1:]  # PRIVATE+KEY+name+id+base64
    return Signer("PeterNeumann", Ed25519PrivateKey.from_private_bytes(seed))


def test_matches_gos_note_package() -> None:
    signer = go_signer()
    assert signer.verifier.encode() == GO_VERIFIER
    assert sign(GO_TEXT, signer) == GO_NOTE
    text, by = open_note(GO_NOTE, [Verifier.decode(GO_VERIFIER)])
    assert text == GO_TEXT and [v.name for v in by] == ["PeterNeumann"]


def other_signer(name: str = "portal.example/log") -> Signer:
    return Signer(name, Ed25519PrivateKey.generate())


def test_unknown_signatures_are_ignored_and_bad_ones_reject() -> None:
    trusted, stranger = go_signer(), other_signer("PeterNeumann")
    note = sign(GO_TEXT, stranger, trusted)
    assert open_note(note, [trusted.verifier])[0] == GO_TEXT
    with pytest.raises(NoteError, match="no signature from a trusted key"):
        open_note(sign(GO_TEXT, stranger), [trusted.verifier])
    tampered = GO_NOTE.replace("answer", "ANSWER")
    with pytest.raises(NoteError, match="PeterNeumann does not verify"):
        open_note(tampered, [Verifier.decode(GO_VERIFIER)])


@pytest.mark.parametrize(
    ("note", "message"),
    [
        (GO_TEXT, "no signature block"),
        (GO_TEXT + "\n\u2014 PeterNeumann !!!\n", "not base64"),
        (GO_TEXT + "\n- PeterNeumann AAAAAAAA\n", "not a signature line"),
        (GO_NOTE.rstrip("\n"), "must end with a newline"),
        (GO_NOTE.replace("PeterNeumann", "Peter\tNeumann"), "control characters"),
        ("bell\x07\n" + GO_NOTE[len(GO_TEXT) :], "control characters"),
        (GO_TEXT + "\n" + "\u2014 x AAAAAAAA\n" * 17, "between 1 and 16"),
    ],
)
def test_malformed_notes(note: str, message: str) -> None:
    with pytest.raises(NoteError, match=message):
        open_note(note, [Verifier.decode(GO_VERIFIER)])


@pytest.mark.parametrize(
    "key",
    [
        GO_VERIFIER.replace("c74f20a3", "c74f20a4"),
        "PeterNeumann+c74f20a3+AAAA",
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    ],
)
def test_bad_verifier_keys(key: str) -> None:
    with pytest.raises(NoteError):
        Verifier.decode(key)


def test_checkpoint_round_trip_and_openssl_verifies_its_signature(tmp_path: Path) -> None:
    leaves = [merkle.leaf_hash(b"entry %d" % i) for i in range(5)]
    signer = other_signer()
    checkpoint = Checkpoint("portal.example/log", 5, merkle.root(leaves))
    note = checkpoint.signed(signer)
    assert open_checkpoint(note, "portal.example/log", [signer.verifier]) == checkpoint
    with pytest.raises(NoteError, match="not 'other.example/log'"):
        open_checkpoint(note, "other.example/log", [signer.verifier])

    body = tmp_path / "body"
    body.write_bytes(checkpoint.body().encode())
    blob = base64.b64decode(note.rsplit(" ", 1)[1])
    (tmp_path / "sig").write_bytes(blob[4:])
    (tmp_path / "key.pem").write_bytes(
        signer.private_key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    )
    command = [
        "openssl",
        "pkeyutl",
        "-verify",
        "-rawin",
        "-pubin",
        "-inkey",
        str(tmp_path / "key.pem"),
        "-in",
        str(body),
        "-sigfile",
        str(tmp_path / "sig"),
    ]
    assert "Signature Verified Successfully" in subprocess.run(command, capture_output=True, text=True).stdout
    body.write_bytes(checkpoint.body().replace("\n5\n", "\n6\n").encode())
    assert subprocess.run(command, capture_output=True, text=True).returncode != 0


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("log\n5\n", "origin, a size and a root hash"),
        ("log\n05\n" + base64.b64encode(bytes(32)).decode() + "\n", "not a decimal"),
        ("log\n5\n" + base64.b64encode(bytes(31)).decode() + "\n", "not 32 bytes"),
        ("\n5\n" + base64.b64encode(bytes(32)).decode() + "\n", "no origin"),
        ("log\n5\n" + base64.b64encode(bytes(32)).decode() + "\n\n", "must not be empty"),
    ],
)
def test_malformed_checkpoints(body: str, message: str) -> None:
    with pytest.raises(NoteError, match=message):
        Checkpoint.parse(body)
