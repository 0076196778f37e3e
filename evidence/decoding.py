"""Running a decoder in a child process of its own and reading its answer.

The decoders (:mod:`evidence.image_decoder`, :mod:`evidence.media_decoder`)
answer JSON, or ``{"error": ...}`` with status 3 when they refuse the file.
Each file is decoded in a fresh child, under the decoder's memory limit, so a
crash or a picture that needs gigabytes never reaches the caller. The
children are forked from a host process that has already imported the image
libraries: starting Python and importing them (SciPy, Pillow, PyAV) for each
file took half a second or more, far longer than decoding a photograph. The
caller (a web worker) never imports them itself.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import multiprocessing
import os
import select
import signal
import threading
from multiprocessing.connection import Connection
from typing import Any

from evidence.errors import ImageRefused
from evidence.image_decoder import REFUSED

# The decoders and what they import when they run: loaded by the host once, inherited by every child.
_PRELOADED = (
    "evidence.image_decoder",
    "evidence.media_decoder",
    "imagehash",
    "scipy.fftpack",
    "pypdfium2",
    "av",
    "pillow_heif",
)
_SPAWN = multiprocessing.get_context("spawn")  # the host starts clean: the caller may run threads


def _child(module: str, args: list[str], write: int) -> None:
    """In the forked child: the decoder's ``main`` as if run as ``python -m module args``; never returns."""
    status = 70  # os.EX_SOFTWARE: the decoder raised
    try:
        with os.fdopen(write, "w") as out, contextlib.redirect_stdout(out):
            status = importlib.import_module(module).main([module, *args])
    finally:
        os._exit(status)


def _decode_in_child(module: str, args: list[str], seconds: float) -> tuple[str, int, str]:
    """("answered", exit status, what it printed), or ("overran" | "died", 0, "")."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        _child(module, args, write)
    os.close(write)
    printed = b""
    try:
        with os.fdopen(read, "rb") as answer:
            while True:  # until the child closes its end (exits) or runs out of time
                ready, _, _ = select.select([answer], [], [], seconds)
                if not ready:
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
                    return "overran", 0, ""
                chunk = os.read(answer.fileno(), 65536)
                if not chunk:
                    break
                printed += chunk
    except BaseException:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise
    _, status = os.waitpid(pid, 0)
    if not os.WIFEXITED(status):  # a signal: a crash, or the kernel over its memory
        return "died", 0, ""
    return "answered", os.WEXITSTATUS(status), printed.decode()


def _host(requests: Connection) -> None:
    """The host process: preloads the decoders' libraries, then forks a child for each request."""
    for name in _PRELOADED:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    while True:
        try:
            module, args, seconds = requests.recv()
        except EOFError:  # the caller has gone
            return
        requests.send(_decode_in_child(module, args, seconds))


class _Host:
    """This process's decoder host, started on first use and again if it has died; one request at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: Any = None
        self._requests: Connection | None = None
        self._owner = 0
        """The process that started the host: a process forked since has none of its own yet."""

    def decode(self, module: str, args: list[str], seconds: float) -> tuple[str, int, str]:
        with self._lock:
            if self._requests is None or self._owner != os.getpid() or not self._process.is_alive():
                self._start()
            assert self._requests is not None
            try:
                self._requests.send((module, args, seconds))
                answer: tuple[str, int, str] = self._requests.recv()
            except (EOFError, OSError):  # the host itself died: start another next time
                self._requests = None
                return "died", 0, ""
            return answer

    def _start(self) -> None:
        ours, theirs = _SPAWN.Pipe()
        self._process = _SPAWN.Process(target=_host, args=(theirs,), name="evidence-decoder-host", daemon=True)
        self._process.start()
        theirs.close()
        self._requests = ours
        self._owner = os.getpid()


_HOST = _Host()


def run_decoder(module: str, args: list[str], seconds: int, what: str) -> dict[str, Any]:
    """The decoder's answer; :class:`ImageRefused` with the reason when it refuses, fails or overruns.

    ``what`` names the input in those messages ("image", "file").
    """
    outcome, status, printed = _HOST.decode(module, args, seconds)
    if outcome == "overran":
        raise ImageRefused(f"The {what} took more than {seconds} s to decode and was refused.")
    if outcome == "died" or status not in (0, REFUSED):
        raise ImageRefused(f"The {what} could not be decoded safely: the decoder failed on it.")
    if status == REFUSED:
        raise ImageRefused(json.loads(printed)["error"])
    answer: dict[str, Any] = json.loads(printed)
    return answer
