"""Running a decoder in a child process of its own and reading its answer.

The decoders (:mod:`evidence.image_decoder`, :mod:`evidence.media_decoder`)
answer JSON, or ``{"error": ...}`` with status 3 when they refuse the file.
Each file is decoded in a fresh child, under the decoder's memory limit, so a
crash or a picture that needs gigabytes never reaches the caller. The
children are forked from a server that has already imported the image
libraries: starting Python and importing them (SciPy, Pillow, PyAV) took half
a second or more per file, far longer than decoding a photograph.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import multiprocessing
from multiprocessing.connection import Connection
from typing import Any

from evidence.errors import ImageRefused
from evidence.image_decoder import REFUSED

DECODERS = ("evidence.image_decoder", "evidence.media_decoder")
# The fork server imports these once, the caller (a web worker) never. "__main__" is the caller's main
# script, which every child would otherwise import again (multiprocessing's rule for forked servers).
_CHILDREN = multiprocessing.get_context("forkserver")
_CHILDREN.set_forkserver_preload(["__main__", *DECODERS, "imagehash", "scipy.fftpack", "pypdfium2", "av", "pillow_heif"])


def _decode(module: str, args: list[str], answer: Connection) -> None:
    """In the child: the decoder's ``main`` as if run as ``python -m module args``, its output sent back."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        status = importlib.import_module(module).main([module, *args])
    answer.send((status, printed.getvalue()))


def run_decoder(module: str, args: list[str], seconds: int, what: str) -> dict[str, Any]:
    """The decoder's answer; :class:`ImageRefused` with the reason when it refuses, fails or overruns.

    ``what`` names the input in those messages ("image", "file").
    """
    receive, send = _CHILDREN.Pipe(duplex=False)
    child = _CHILDREN.Process(target=_decode, args=(module, args, send), daemon=True)
    child.start()
    send.close()  # the child holds the only writing end: its death ends the wait below
    try:
        if not receive.poll(seconds):
            child.kill()
            raise ImageRefused(f"The {what} took more than {seconds} s to decode and was refused.")
        try:
            status, printed = receive.recv()
        except EOFError:  # it died without answering: a crash, or over its memory
            raise ImageRefused(f"The {what} could not be decoded safely: the decoder failed on it.") from None
    finally:
        receive.close()
        child.join()
    if status == REFUSED:
        raise ImageRefused(json.loads(printed)["error"])
    if status != 0:
        raise ImageRefused(f"The {what} could not be decoded safely: the decoder failed on it.")
    answer: dict[str, Any] = json.loads(printed)
    return answer
