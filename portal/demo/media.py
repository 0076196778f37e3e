"""The demo's evidence files: bundled photographs of goods (their sources and terms in
``portal/data/demo/SOURCES.md``), and the shop screenshots, notarial certificate and short test-purchase
video that are drawn here from them, as a rights holder's investigator would have captured them."""

from __future__ import annotations

import io
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from evidence.listing_pdf import Letter, font_number
from portal import printing

PHOTOS = Path(__file__).resolve().parent.parent / "data" / "demo"


def photo(name: str) -> bytes:
    return (PHOTOS / name).read_bytes()


def reposted(name: str) -> bytes:
    """The photo as a reseller re-posts it: cropped at the edges, scaled down and saved again."""
    with Image.open(PHOTOS / name) as image:
        width, height = image.size
        copy = image.convert("RGB").crop((width // 20, height // 20, width - width // 20, height - height // 20))
        copy = copy.resize((copy.width * 3 // 4, copy.height * 3 // 4))
    out = io.BytesIO()
    copy.save(out, "JPEG", quality=70)
    return out.getvalue()


def _font(size: int) -> ImageFont.FreeTypeFont:
    path = printing.pdf_font()
    return ImageFont.truetype(path, size, index=font_number(path))


PLATFORM_COLOURS = {"淘宝": (255, 80, 0), "京东": (225, 37, 27), "拼多多": (228, 57, 60), "抖音": (22, 24, 35)}


def listing(name: str, platform: str, shop: str, title: str, price: str, url: str) -> bytes:
    """A phone screenshot of a marketplace listing that offers the goods in the photo."""
    colour = next((c for key, c in PLATFORM_COLOURS.items() if platform.startswith(key)), (255, 80, 0))
    page = Image.new("RGB", (540, 1000), (246, 246, 246))
    draw = ImageDraw.Draw(page)
    draw.rectangle((0, 0, 540, 96), fill=colour)
    draw.text((20, 10), "9:41", font=_font(18), fill="white")
    draw.text((20, 44), platform, font=_font(28), fill="white")
    with Image.open(PHOTOS / name) as image:
        picture = image.convert("RGB")
    side = min(picture.size)
    left, top = (picture.width - side) // 2, (picture.height - side) // 2
    page.paste(picture.crop((left, top, left + side, top + side)).resize((540, 540)), (0, 96))
    draw.text((20, 650), price, font=_font(40), fill=colour)
    draw.text((20, 710), title, font=_font(24), fill=(30, 30, 30))
    draw.text((20, 760), "月销 1000+  ·  包邮  ·  7天无理由退换", font=_font(18), fill=(120, 120, 120))
    draw.rectangle((0, 810, 540, 880), fill="white")
    draw.text((20, 830), shop, font=_font(22), fill=(60, 60, 60))
    draw.text((20, 900), url, font=_font(14), fill=(150, 150, 150))
    draw.rectangle((300, 940, 540, 1000), fill=colour)
    draw.text((360, 952), "立即购买", font=_font(26), fill="white")
    out = io.BytesIO()
    page.save(out, "PNG")
    return out.getvalue()


def certificate(case_title: str, body_zh: str, body_en: str) -> bytes:
    """A notarial certificate of a web capture, in Chinese and English, as a PDF."""
    letter = Letter(
        title=case_title,
        sections=[f"公证书\n{body_zh}", f"Notarial Certificate\n{body_en}"],
        footer="Demo data of the IP evidence portal · 本文件为演示数据",
        font=printing.pdf_font(),
    )
    return printing.render(letter)


def unboxing(name: str, seconds: int = 3, rate: int = 10) -> bytes:
    """A short MP4 of the test purchase: the camera pans across the goods."""
    with Image.open(PHOTOS / name) as image:
        picture = image.convert("RGB").resize((480, 360))
    out = io.BytesIO()
    with av.open(out, "w", format="mp4") as container:
        stream = container.add_stream("libx264" if "libx264" in av.codecs_available else "mpeg4", rate=rate)
        stream.width, stream.height, stream.pix_fmt = 320, 240, "yuv420p"
        stream.time_base = Fraction(1, rate)
        frames = seconds * rate
        for number in range(frames):
            offset = (160 * number) // max(1, frames - 1)
            view = np.asarray(picture.crop((offset, 60, offset + 320, 300)))
            for packet in stream.encode(av.VideoFrame.from_ndarray(view, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return out.getvalue()
