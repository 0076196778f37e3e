"""Fingerprints computed from pictures (see :mod:`evidence.fingerprints` for what they are).

Only the decoder process, the tests and the benchmark import this: it loads
Pillow, NumPy and SciPy, which the web workers never do.
"""

from __future__ import annotations

import imagehash
from PIL import Image, ImageChops, ImageOps

from evidence.fingerprints import Fingerprint

WORK_SIZE = 256
CENTRE = 0.7
CROP = 0.05
ANGLES = (-4, 4)
# A border is cut off only when it is at least this far from the picture's
# content (grey levels) and leaves most of the picture.
BORDER_TOLERANCE = 24
BORDER_MIN_KEPT = 0.4


def open_image(path: str, size: int = WORK_SIZE) -> Image.Image:
    """Open a picture at working size, upright and in grey.

    ``draft`` lets the JPEG decoder scale by 1/2 to 1/8 while decoding, so a
    12-megapixel photo is never decoded at full size just to be hashed.
    """
    with Image.open(path) as image:
        image.draft("L", (size * 2, size * 2))
        image.load()
        return prepare(image, size)


def prepare(image: Image.Image, size: int = WORK_SIZE) -> Image.Image:
    upright = ImageOps.exif_transpose(image)
    grey = ImageOps.grayscale(upright) if upright.mode != "L" else upright.copy()
    grey.thumbnail((size, size))
    return grey


def fingerprint(grey: Image.Image) -> Fingerprint:
    """The fingerprint of a picture prepared by :func:`prepare` (or any grey image)."""
    picture = _trim(grey)
    turned = [_trim(picture.rotate(a, Image.Resampling.BILINEAR, expand=True, fillcolor=255)) for a in ANGLES]
    probes = [_centre(p) for p in turned + _corner_crops(picture)]
    return Fingerprint(_phash(picture), _phash(_centre(picture)), tuple(_phash(p) for p in probes))


def _phash(image: Image.Image) -> int:
    return int(str(imagehash.phash(image)), 16)


def _trim(grey: Image.Image) -> Image.Image:
    """Cut off a uniform frame (a border added around a photo, or the fill of a turned one)."""
    background = Image.new("L", grey.size, grey.getpixel((0, 0)))  # type: ignore[arg-type]
    mask = ImageChops.difference(grey, background).point(lambda v: 255 if v > BORDER_TOLERANCE else 0)
    box = mask.getbbox()
    if box is None or (box[2] - box[0]) * (box[3] - box[1]) < BORDER_MIN_KEPT * grey.width * grey.height:
        return grey
    return grey.crop(box)


def _centre(image: Image.Image) -> Image.Image:
    w, h = image.size
    dx, dy = w * (1 - CENTRE) / 2, h * (1 - CENTRE) / 2
    return image.crop((int(dx), int(dy), int(w - dx), int(h - dy)))


def _corner_crops(image: Image.Image) -> list[Image.Image]:
    w, h = image.size
    dx, dy = int(w * CROP), int(h * CROP)
    return [image.crop(box) for box in ((dx, dy, w, h), (0, dy, w - dx, h), (dx, 0, w, h - dy), (0, 0, w - dx, h - dy))]
