"""Content type detection with libmagic, and the evidence allow-list."""

import magic

# How many leading bytes libmagic sees. Office formats are ZIP files whose
# distinguishing entries can sit well past the first few kilobytes.
SNIFF_BYTES = 1024 * 1024

ALLOWED_TYPES: frozenset[str] = frozenset(
    {
        "image/jpeg",
        "image/png",
        "image/webp",
        "image/tiff",
        "image/gif",
        "image/heic",
        "image/heif",
        "application/pdf",
        "video/mp4",
        "video/quicktime",
        "video/webm",
        "text/plain",
        "text/csv",
        "application/csv",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.oasis.opendocument.text",
        "message/rfc822",  # libmagic's name for MHTML web archives
        "multipart/related",
        "application/warc",
    }
)

IMAGE_TYPES: frozenset[str] = frozenset(t for t in ALLOWED_TYPES if t.startswith("image/"))

_magic = magic.Magic(mime=True)


def _is_mhtml(head: bytes) -> bool:
    # libmagic calls an MHTML archive text/plain when its headers start with
    # MIME-Version rather than From/Date, as browsers write them.
    top = head[:4096].lower()
    return b"mime-version:" in top and b"multipart/related" in top


def detect(head: bytes) -> str:
    """The media type of content beginning with ``head``, from the bytes alone."""
    if _is_mhtml(head):
        return "multipart/related"
    return str(_magic.from_buffer(head))


def is_allowed(media_type: str) -> bool:
    return media_type in ALLOWED_TYPES
