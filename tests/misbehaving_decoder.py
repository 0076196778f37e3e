"""A decoder that crashes, hangs or wants too much memory, as hostile files make real ones do."""

from __future__ import annotations

import os
import resource
import time

from evidence.image_decoder import MEMORY_LIMIT


def main(argv: list[str]) -> int:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    if argv[1] == "crash":
        os.abort()
    if argv[1] == "hang":
        time.sleep(600)
    if argv[1] == "greedy":
        bytearray(2 * MEMORY_LIMIT)
    return 0
