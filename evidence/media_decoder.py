"""Previews, fingerprints and metadata of one file, in a process of its own.

``python -m evidence.media_decoder MEDIA_TYPE FILE OUTDIR`` writes one JPEG
preview per picture it finds (the image itself, each PDF page up to
:data:`MAX_FRAMES`, or video key frames spread over the whole video) into
OUTDIR and prints JSON: ``{"meta": {...}, "frames": [{"number", "at",
"preview", "codes"}]}``. A refusal is ``{"error": ...}`` with exit status 3.
Run by :func:`evidence.media.analyse`, for the same reasons as
:mod:`evidence.image_decoder`: hostile files meet large C decoders here,
under a memory limit, away from the worker.
"""

from __future__ import annotations

import json
import resource
import sys
import warnings
from collections.abc import Iterator
from datetime import datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps

from evidence import perceptual
from evidence.image_decoder import MAX_PIXELS, MEMORY_LIMIT, REFUSED, Refused

PREVIEW_SIZE = 1280
MAX_FRAMES = 24
PDF_SCALE_LIMIT = 2.0

_EXIF_IFD = 0x8769
_GPS_IFD = 0x8825
_DATETIME_ORIGINAL = 0x9003
_MAKE, _MODEL, _DATETIME = 0x010F, 0x0110, 0x0132


def decode(media_type: str, path: str, outdir: str) -> dict[str, Any]:
    from pillow_heif import register_heif_opener

    register_heif_opener()
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            if media_type.startswith("image/"):
                meta, pictures = _image(path)
            elif media_type == "application/pdf":
                meta, pictures = _pdf(path)
            elif media_type.startswith("video/"):
                meta, pictures = _video(path)
            else:
                raise Refused(f"No previews are made for {media_type}.")
            frames = [_frame(number, at, picture, Path(outdir)) for number, at, picture in pictures]
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise Refused("A picture in the file claims more pixels than accepted; it was not decoded.") from exc
        except MemoryError as exc:
            raise Refused("The file needs more memory to decode than is allowed.") from exc
        except Refused:
            raise
        except Exception as exc:  # noqa: BLE001 - any decoder failure on hostile input is a refusal
            raise Refused(f"The file could not be decoded: {exc}") from exc
    return {"meta": meta, "frames": frames}


def _frame(number: int, at: float | None, picture: Image.Image, outdir: Path) -> dict[str, Any]:
    preview = picture.convert("RGB")
    preview.thumbnail((PREVIEW_SIZE, PREVIEW_SIZE))
    name = f"preview-{number}.jpg"
    preview.save(outdir / name, "JPEG", quality=85)
    codes = perceptual.fingerprint(perceptual.prepare(picture)).codes()
    return {"number": number, "at": at, "preview": name, "codes": [[f.value, c] for f, c in codes]}


def _image(path: str) -> tuple[dict[str, Any], list[tuple[int, float | None, Image.Image]]]:
    with Image.open(path) as image:
        exif = image.getexif()
        image.draft("RGB", (PREVIEW_SIZE, PREVIEW_SIZE))
        image.load()
        upright = ImageOps.exif_transpose(image)
        meta: dict[str, Any] = {"width": image.size[0], "height": image.size[1], **_exif_meta(exif)}
    return meta, [(1, None, upright)]


def _exif_meta(exif: Image.Exif) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    details = exif.get_ifd(_EXIF_IFD)
    taken = details.get(_DATETIME_ORIGINAL) or exif.get(_DATETIME)
    if taken:
        meta["captured_at"] = str(taken).strip()
    camera = " ".join(str(exif.get(tag, "")).strip() for tag in (_MAKE, _MODEL)).strip()
    if camera:
        meta["camera"] = camera
    gps = exif.get_ifd(_GPS_IFD)
    if gps.get(2) and gps.get(4):
        meta["gps"] = [_degrees(gps[2], gps.get(1)), _degrees(gps[4], gps.get(3))]
    return meta


def _degrees(dms: Any, ref: Any) -> float:
    degrees, minutes, seconds = (float(Fraction(str(v))) for v in dms)
    value = degrees + minutes / 60 + seconds / 3600
    return round(-value if str(ref).strip().upper() in ("S", "W") else value, 6)


def _pdf(path: str) -> tuple[dict[str, Any], list[tuple[int, float | None, Image.Image]]]:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(path)
    try:
        info = pdf.get_metadata_dict(skip_empty=True)
        meta: dict[str, Any] = {"pages": len(pdf)}
        for key in ("Producer", "Creator", "Title", "Author"):
            if info.get(key):
                meta[key.lower()] = info[key]
        for key, name in (("CreationDate", "created_at"), ("ModDate", "modified_at")):
            if info.get(key):
                meta[name] = _pdf_date(info[key])
        pictures: list[tuple[int, float | None, Image.Image]] = []
        for index in range(min(len(pdf), MAX_FRAMES)):
            page = pdf[index]
            width, height = page.get_size()
            scale = min(PDF_SCALE_LIMIT, PREVIEW_SIZE / max(width, height, 1))
            pictures.append((index + 1, None, page.render(scale=scale).to_pil()))
        return meta, pictures
    finally:
        pdf.close()


def _pdf_date(value: str) -> str:
    """``D:20260314093000+08'00'`` as ISO 8601; anything else as written."""
    text = value.removeprefix("D:").replace("'", "")
    for pattern in ("%Y%m%d%H%M%S%z", "%Y%m%d%H%M%S", "%Y%m%d"):
        try:
            return datetime.strptime(text.replace("Z", "+0000"), pattern).isoformat()
        except ValueError:
            continue
    return value


def _video(path: str) -> tuple[dict[str, Any], list[tuple[int, float | None, Image.Image]]]:
    import av

    with av.open(path) as container:
        if not container.streams.video:
            raise Refused("The video has no picture track.")
        stream = container.streams.video[0]
        duration = float(container.duration / av.time_base) if container.duration else None
        meta: dict[str, Any] = {
            "duration_seconds": round(duration, 3) if duration else None,
            "codec": stream.codec_context.name,
            "width": stream.codec_context.width,
            "height": stream.codec_context.height,
        }
        created = container.metadata.get("creation_time")
        if created:
            meta["created_at"] = created
        keyframes = _spread(_keyframes(container, stream))
    if not keyframes:
        raise Refused("The video has no key frame that could be decoded.")
    return meta, [(n + 1, at, picture) for n, (at, picture) in enumerate(keyframes)]


def _keyframes(container: Any, stream: Any) -> Iterator[tuple[float, Image.Image]]:
    # Only key frames are decoded at all; the others are skipped in the codec.
    stream.codec_context.skip_frame = "NONKEY"
    for frame in container.decode(stream):
        picture = frame.to_image()
        picture.thumbnail((PREVIEW_SIZE, PREVIEW_SIZE))
        yield round(float(frame.time or 0.0), 3), picture


def _spread(frames: Iterator[tuple[float, Image.Image]]) -> list[tuple[float, Image.Image]]:
    """At most MAX_FRAMES frames evenly spread over a stream of unknown length, holding few at a time."""
    kept: list[tuple[float, Image.Image]] = []
    step = 1
    for index, frame in enumerate(frames):
        if index % step == 0:
            kept.append(frame)
            if len(kept) == 2 * MAX_FRAMES:
                kept, step = kept[::2], step * 2
    return kept[:: max(1, -(-len(kept) // MAX_FRAMES))]


def main(argv: list[str]) -> int:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    try:
        facts = decode(argv[1], argv[2], argv[3])
    except Refused as exc:
        print(json.dumps({"error": str(exc)}))
        return REFUSED
    print(json.dumps(facts, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
