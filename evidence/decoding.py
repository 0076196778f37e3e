"""Running a decoder in a child process of its own and reading its answer.

The decoders (:mod:`evidence.image_decoder`, :mod:`evidence.media_decoder`)
print JSON, or ``{"error": ...}`` with exit status 3 when they refuse the file.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from evidence.errors import ImageRefused
from evidence.image_decoder import REFUSED


def run_decoder(module: str, args: list[str], seconds: int, what: str) -> dict[str, Any]:
    """The decoder's answer; :class:`ImageRefused` with the reason when it refuses, fails or overruns.

    ``what`` names the input in those messages ("image", "file").
    """
    try:
        done = subprocess.run(  # noqa: S603 - our own module, paths we made
            [sys.executable, "-m", module, *args],
            capture_output=True,
            timeout=seconds,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise ImageRefused(f"The {what} took more than {seconds} s to decode and was refused.") from exc
    if done.returncode == REFUSED:
        raise ImageRefused(json.loads(done.stdout)["error"])
    if done.returncode != 0:
        raise ImageRefused(f"The {what} could not be decoded safely: the decoder failed on it.")
    answer: dict[str, Any] = json.loads(done.stdout)
    return answer
