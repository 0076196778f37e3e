from __future__ import annotations

import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from evidence.checkpoint import Checkpoint, open_checkpoint
from evidence.keys import KeyDirectory, KeyProblem
from evidence.merkle import EMPTY_ROOT
from evidence.signed_note import NoteError

ORIGIN = "portal.example/log"


def test_keys_are_generated_once_and_private(tmp_path: Path) -> None:
    keys = KeyDirectory(tmp_path / "keys")
    assert keys.ensure() == ["checkpoint", "receipt"] and keys.ensure() == []
    for role in ("checkpoint", "receipt"):
        assert stat.S_IMODE((tmp_path / "keys" / f"{role}.key").stat().st_mode) == 0o600
    with pytest.raises(KeyProblem, match="exists already"):
        keys.generate("checkpoint")
    with pytest.raises(KeyProblem, match="unknown key role"):
        keys.generate("root")


def test_rotation_keeps_old_signatures_verifiable_but_not_the_old_private_key(tmp_path: Path) -> None:
    keys = KeyDirectory(tmp_path)
    keys.ensure()
    old_note = Checkpoint(ORIGIN, 0, EMPTY_ROOT).signed(keys.signer("checkpoint", ORIGIN))
    old_public = keys.private_key("checkpoint").public_key()
    keys.rotate("checkpoint")
    infos = keys.public_keys("checkpoint")
    assert [i.active for i in infos] == [True, False] and infos[1].public_key == old_public
    assert open_checkpoint(old_note, ORIGIN, keys.verifiers("checkpoint", ORIGIN)).size == 0
    new_note = Checkpoint(ORIGIN, 0, EMPTY_ROOT).signed(keys.signer("checkpoint", ORIGIN))
    assert new_note != old_note
    with pytest.raises(NoteError, match="no signature from a trusted key"):
        open_checkpoint(new_note, ORIGIN, keys.verifiers("receipt", ORIGIN))
    assert not list(tmp_path.glob("retired/*.key"))


def test_missing_and_unreadable_keys_are_named(tmp_path: Path) -> None:
    keys = KeyDirectory(tmp_path)
    with pytest.raises(KeyProblem, match="run `portal keys generate`"):
        keys.private_key("receipt")
    (tmp_path / "receipt.key").write_text("not a key")
    with pytest.raises(KeyProblem, match="cannot be read"):
        keys.private_key("receipt")


def test_a_rotated_checkpoint_key_co_signs_during_the_overlap_then_is_deleted(tmp_path: Path) -> None:
    keys = KeyDirectory(tmp_path)
    keys.ensure()
    old_verifiers = keys.verifiers("checkpoint", ORIGIN)
    keys.rotate("checkpoint", timedelta(days=30))
    co_signers = keys.co_signers("checkpoint", ORIGIN)
    assert len(co_signers) == 1 and stat.S_IMODE(next(tmp_path.glob("retired/*.key")).stat().st_mode) == 0o600
    note = Checkpoint(ORIGIN, 0, EMPTY_ROOT).signed(keys.signer("checkpoint", ORIGIN), *co_signers)
    assert note.count("\n— ") == 2
    assert open_checkpoint(note, ORIGIN, old_verifiers).size == 0  # those who know only the old key follow
    new_only = [v for v in keys.verifiers("checkpoint", ORIGIN) if v not in old_verifiers]
    assert open_checkpoint(note, ORIGIN, new_only).size == 0
    assert keys.co_signers("checkpoint", ORIGIN, now=datetime.now(UTC) + timedelta(days=31)) == []
    assert not list(tmp_path.glob("retired/*.key")) and list(tmp_path.glob("retired/*.pub"))
