"""PDFs from the portal: the font they embed for Chinese, and rendering errors as 503s."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from evidence import listing_pdf
from portal.services.errors import Unavailable


def pdf_font() -> str:
    font = current_app.config["SETTINGS"].pdf_font
    if font is None or not Path(font).is_file():
        raise Unavailable("No Chinese font for PDFs: install fonts-noto-cjk or set PDF_FONT.")
    return str(font)


def render(document: listing_pdf.Listing | listing_pdf.Letter) -> bytes:
    try:
        return listing_pdf.render(document)
    except listing_pdf.ListingError as exc:
        raise Unavailable(f"The PDF could not be made: {exc}") from exc
