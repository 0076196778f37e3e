"""Decoding one image, in a process of its own: ``python -m evidence.image_decoder IMAGE THUMBNAIL``.

Run by :func:`evidence.images.analyse`. Image decoders are large C libraries
fed with hostile input, and a legitimate 100-megapixel photo needs hundreds
of megabytes to decode; in a short-lived child under a memory limit, neither
a crash nor that memory ever reaches the web worker. Prints the facts as
JSON and writes the JPEG thumbnail; a refusal is printed as ``{"error": ...}``
with exit status 3.
"""

from __future__ import annotations

import json
import resource
import sys
import warnings

# Enough for the largest accepted image decoded with its working copies.
MEMORY_LIMIT = 2 * 1024**3
# 100 megapixels covers any camera in use; a larger canvas is refused rather
# than decoded, since a few kilobytes of PNG can claim gigapixels. Pillow
# checks this limit when it reads the header, before decoding anything.
MAX_PIXELS = 100_000_000
THUMB_SIZE = (320, 320)
REFUSED = 3


class Refused(Exception):
    pass


def decode(image_path: str, thumbnail_path: str) -> dict[str, object]:
    import imagehash
    from PIL import Image, ImageOps, UnidentifiedImageError
    from pillow_heif import register_heif_opener

    register_heif_opener()
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(image_path) as image:
                width, height = image.size
                # Draft mode lets the JPEG decoder scale down by 1/2..1/8 for free.
                image.draft("RGB", (THUMB_SIZE[0] * 2, THUMB_SIZE[1] * 2))
                image.load()
                upright = ImageOps.exif_transpose(image).convert("RGB")
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise Refused(
                f"The image claims more than the {MAX_PIXELS // 1_000_000} megapixels accepted; "
                "it looks like a decompression bomb and was not decoded."
            ) from exc
        except MemoryError as exc:
            raise Refused("The image needs more memory to decode than is allowed.") from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise Refused(f"The image could not be decoded: {exc}") from exc
    thumb = upright.copy()
    thumb.thumbnail(THUMB_SIZE)
    thumb.save(thumbnail_path, "JPEG", quality=85)
    return {
        "width": width,
        "height": height,
        "phash": str(imagehash.phash(upright)),
        "dhash": str(imagehash.dhash(upright)),
    }


def main(argv: list[str]) -> int:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    try:
        facts = decode(argv[1], argv[2])
    except Refused as exc:
        print(json.dumps({"error": str(exc)}))
        return REFUSED
    print(json.dumps(facts))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
