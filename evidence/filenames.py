"""Original file names: kept exactly for display, made safe for headers."""

import unicodedata
from urllib.parse import quote

MAX_FILENAME_CHARS = 255


def clean_display_name(name: str) -> str:
    """The name as given, minus control characters and any directory part.

    The result is only ever shown or put in a Content-Disposition header; it
    never becomes part of a storage key or a path.
    """
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = name.strip().strip(".") or "unnamed"
    return name[:MAX_FILENAME_CHARS]


def content_disposition(filename: str) -> str:
    """An RFC 6266 ``attachment`` header value that keeps non-ASCII names."""
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_")
    ascii_name = ascii_name.replace("\\", "_").replace('"', "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"
