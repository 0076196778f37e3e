"""What the benchmarks file as a rights holder would: a complaint's body, and listing photographs with the
altered copies a second buyer's photograph of the same listing becomes."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
from PIL import Image


def complaint(right: int, title: str, facts: str, shop: str) -> dict[str, Any]:
    """The body of ``POST /api/v1/complaints`` for a complaint about one shop."""
    return {
        "title": title,
        "facts": facts,
        "right_ids": [right],
        "infringers": [{"name": shop, "shop_urls": [], "platform": "Shop"}],
        "discovered_on": "2026-10-01",
        "discovery_method": "Test purchase",
    }


def picture(rng: np.random.Generator) -> Image.Image:
    """A photograph-like picture: smooth colour fields with a little grain, never the same twice."""
    coarse = Image.fromarray(rng.integers(0, 256, (6, 8, 3), dtype=np.uint8))
    smooth = np.asarray(coarse.resize((800, 600), Image.Resampling.BICUBIC), dtype=np.int16)
    grain = rng.integers(-6, 7, smooth.shape, dtype=np.int16)
    return Image.fromarray(np.clip(smooth + grain, 0, 255).astype(np.uint8))


def altered(image: Image.Image) -> Image.Image:
    """What a second rights holder's photograph of the same listing becomes: smaller, recompressed."""
    return image.resize((640, 480), Image.Resampling.LANCZOS)


def jpeg(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()
