"""Entry point for gunicorn: ``gunicorn wsgi:app``."""

import ctypes
import ctypes.util
import gc

from portal import create_app

# Keep a worker's memory flat whatever the size of the files it receives. glibc
# raises its mmap threshold after the first large free, after which the upload
# part buffers come from heaps and stay resident; a fixed 2 MiB threshold hands
# them back when freed (1 MiB read chunks stay on the fast heap). And it gives
# each of a worker's threads a heap of its own; two arenas are enough here.
_libc_name = ctypes.util.find_library("c")
if _libc_name and hasattr(ctypes.CDLL(_libc_name), "mallopt"):
    M_MMAP_THRESHOLD, M_ARENA_MAX = -3, -8
    _libc = ctypes.CDLL(_libc_name)
    _libc.mallopt(M_MMAP_THRESHOLD, 2 * 1024 * 1024)
    _libc.mallopt(M_ARENA_MAX, 2)

app = create_app()

# What start-up made (mappers, compiled templates, translations) lives as long as the worker: out of
# the collector's sight, a full collection during a request no longer walks it all (100-300 ms each).
gc.freeze()
