"""Real photographs and the alterations evidence goes through, for the matcher's tests and benchmark.

The photographs are those bundled with scikit-image (a test dependency),
and, when Debian's ``opencv-doc`` is installed, OpenCV's sample photographs.
Of each pair of near-identical shots in those sets (stereo pairs, one scene
from two places) only one is taken: they would be matches, not false ones.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw, ImageEnhance, ImageFont, ImageOps

SKIMAGE_PHOTOS = (
    "astronaut.png chelsea.png coffee.png rocket.jpg motorcycle_left.png camera.png hubble_deep_field.jpg "
    "retina.jpg brick.png grass.png gravel.png coins.png moon.png ihc.png"
).split()
OPENCV_DOC = Path("/usr/share/doc/opencv-doc/examples/data")
OPENCV_PHOTOS = (
    "HappyFish.jpg aero1.jpg aloeL.jpg apple.jpg baboon.jpg basketball1.png board.jpg building.jpg butterfly.jpg "
    "fruits.jpg home.jpg leuvenA.jpg messi5.jpg orange.jpg rubberwhale1.png smarties.png squirrel_cls.jpg stuff.jpg "
    "ela_original.jpg graf1.png box_in_scene.png licenseplate_motion.jpg lena.jpg starry_night.jpg left.jpg "
    "chicky_512.png"
).split()


def photographs(opencv_doc: Path | None = OPENCV_DOC) -> dict[str, Image.Image]:
    import skimage

    found = {name: Path(skimage.__file__).parent / "data" / name for name in SKIMAGE_PHOTOS}
    if opencv_doc is not None and opencv_doc.is_dir():
        found.update({name: opencv_doc / name for name in OPENCV_PHOTOS if (opencv_doc / name).exists()})
    photos = {}
    for name, path in found.items():
        with Image.open(path) as image:
            photos[name] = image.convert("RGB")
    return photos


def jpeg(image: Image.Image, quality: int = 30) -> Image.Image:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    out.seek(0)
    return Image.open(out).convert("RGB")


def crop(image: Image.Image, share: float = 0.05) -> Image.Image:
    """Cut ``share`` of the width off the left and of the height off the top."""
    w, h = image.size
    return image.crop((int(w * share), int(h * share), w, h))


def rotate(image: Image.Image, degrees: float) -> Image.Image:
    return image.rotate(degrees, Image.Resampling.BICUBIC, expand=True, fillcolor=(255, 255, 255))


def watermark(image: Image.Image) -> Image.Image:
    marked = image.copy()
    draw = ImageDraw.Draw(marked, "RGBA")
    w, h = marked.size
    font = ImageFont.load_default(size=max(12, h // 12))
    for row in range(3):
        draw.text((w * 0.1, h * (0.2 + 0.3 * row)), "SAMPLE © Shop 2026", fill=(255, 255, 255, 140), font=font)
    return marked


def border(image: Image.Image) -> Image.Image:
    return ImageOps.expand(image, border=max(image.size) // 12, fill=(255, 255, 255))


def half(image: Image.Image) -> Image.Image:
    return image.resize((image.width // 2, image.height // 2), Image.Resampling.LANCZOS)


TRANSFORMATIONS: dict[str, Callable[[Image.Image], Image.Image]] = {
    "JPEG quality 30": jpeg,
    "resized to 50 %": half,
    "5 % crop": crop,
    "rotated 3°": lambda image: rotate(image, 3),
    "rotated -5°": lambda image: rotate(image, -5),
    "brightness +30 %": lambda image: ImageEnhance.Brightness(image).enhance(1.3),
    "text watermark": watermark,
    "white border": border,
    "greyscale": lambda image: ImageOps.grayscale(image).convert("RGB"),
    "crop, resize and JPEG": lambda image: jpeg(crop(image).resize((image.width * 2 // 3, image.height * 2 // 3)), 50),
}
