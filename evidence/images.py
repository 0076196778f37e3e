"""Perceptual hashes and thumbnails for image evidence, safe against bombs."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import Path

import imagehash
from PIL import Image, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

from evidence.errors import ImageRefused

register_heif_opener()

# 100 megapixels covers any camera in use; a larger canvas is refused rather
# than decoded, since a few kilobytes of PNG can claim gigapixels. Pillow
# checks this limit when it reads the header, before decoding anything.
MAX_PIXELS = 100_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
THUMB_SIZE = (320, 320)


@dataclass(frozen=True)
class ImageFacts:
    width: int
    height: int
    phash: str
    dhash: str
    thumbnail_jpeg: bytes


def analyse(path: Path) -> ImageFacts:
    """Decode the image at ``path`` once: pHash, dHash and a JPEG thumbnail."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(path) as image:
                width, height = image.size
                # Draft mode lets the JPEG decoder scale down by 1/2..1/8 for free.
                image.draft("RGB", (THUMB_SIZE[0] * 2, THUMB_SIZE[1] * 2))
                image.load()
                upright = ImageOps.exif_transpose(image).convert("RGB")
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ImageRefused(
                f"The image claims more than the {MAX_PIXELS // 1_000_000} megapixels accepted; "
                "it looks like a decompression bomb and was not decoded."
            ) from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise ImageRefused(f"The image could not be decoded: {exc}") from exc
    thumb = upright.copy()
    thumb.thumbnail(THUMB_SIZE)
    out = io.BytesIO()
    thumb.save(out, "JPEG", quality=85)
    return ImageFacts(
        width=width,
        height=height,
        phash=str(imagehash.phash(upright)),
        dhash=str(imagehash.dhash(upright)),
        thumbnail_jpeg=out.getvalue(),
    )
