"""Every user-facing string has a Chinese translation."""

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]


# The same extraction keywords as `make extract-messages`, so the two never drift apart.
KEYWORDS = [arg for keyword in re.findall(r"-k ([\w:]+)", (ROOT / "Makefile").read_text()) for arg in ("-k", keyword)]


def test_every_message_is_translated_to_chinese(tmp_path: Path) -> None:
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            str(Path(sys.executable).parent / "pybabel"),
            "extract",
            "-F",
            "babel.cfg",
            *KEYWORDS,
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as handle:
        wanted = {m.id for m in read_po(handle) if m.id}
    with (ROOT / "portal/translations/zh/LC_MESSAGES/messages.po").open("rb") as handle:
        translated = {m.id for m in read_po(handle) if m.id and m.string and not m.fuzzy}
    assert sorted(wanted - translated, key=str) == []


def test_every_template_with_messages_is_extracted(tmp_path: Path) -> None:
    """Babel skips a template it cannot parse without a word; this catches it."""
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [str(Path(sys.executable).parent / "pybabel"), "extract", "-F", "babel.cfg", *KEYWORDS, "-o", str(pot), "."],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as handle:
        sources = {path for m in read_po(handle) for path, _line in m.locations}
    templates = ROOT / "templates"
    with_messages = {
        str(path.relative_to(ROOT)) for path in templates.rglob("*.*") if "_(" in path.read_text(encoding="utf-8")
    }
    assert sorted(with_messages - sources) == []
