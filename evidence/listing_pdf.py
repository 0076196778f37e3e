"""The PDFs the portal prints, rendered in a child process: evidence lists and letters (notices).

fpdf2 brings Pillow and numpy with it, and parsing a CJK font takes a
hundred megabytes for a moment; a child process keeps both out of the web
worker, whose memory then stays flat however large the bundle. The caller
passes the finished text (already translated) as JSON; this module only lays
it out. An evidence list is a landscape A4 table, one row per item with its
check values on a line of their own, and signature lines at the end. A
letter is portrait A4 text in one or more languages, each starting a page.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fpdf import FPDF

RENDER_SECONDS = 120
FONT_FACE = "Noto Sans CJK SC"


class ListingError(Exception):
    pass


@dataclass(frozen=True)
class Listing:
    title: str
    subtitle: str
    headings: list[str]
    rows: list[list[str]]
    details: list[str]
    """One block of text per row, shown under it across the table (check values, path)."""
    signatures: list[str] = field(default_factory=list)
    font: str = ""


@dataclass(frozen=True)
class Letter:
    title: str
    sections: list[str]
    """The whole text once per language; each starts a new page."""
    footer: str
    font: str = ""


def render(document: Listing | Letter) -> bytes:
    """Lay out ``document`` in a child process; raises ListingError if it fails."""
    layout = "letter" if isinstance(document, Letter) else "listing"
    try:
        done = subprocess.run(  # noqa: S603 - our own module
            [sys.executable, "-m", "evidence.listing_pdf"],
            input=json.dumps({"layout": layout, "spec": asdict(document)}).encode(),
            capture_output=True,
            timeout=RENDER_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise ListingError(f"the {layout} took more than {RENDER_SECONDS} s to render") from exc
    if done.returncode != 0 or not done.stdout.startswith(b"%PDF"):
        raise ListingError(f"the {layout} could not be rendered: {done.stderr.decode()[-300:]}")
    return done.stdout


def font_number(path: str) -> int:
    """The face's index in a font collection (.ttc), 0 for a single font."""
    if not path.endswith(".ttc"):
        return 0
    from fontTools.ttLib import TTCollection

    for number, face in enumerate(TTCollection(path, lazy=True).fonts):
        if face["name"].getDebugName(4) == FONT_FACE:
            return number
    return 0


def _document(orientation: str, title: str, font: str, margin: float) -> FPDF:
    """An A4 document with the CJK font embedded as ``cjk``."""
    from fpdf import FPDF

    pdf = FPDF(orientation=orientation, format="A4")
    pdf.set_title(title)
    pdf.set_creator("IP evidence portal")
    pdf.add_font("cjk", fname=font, collection_font_number=font_number(font))
    pdf.set_auto_page_break(auto=True, margin=margin)
    return pdf


def _layout(spec: dict[str, Any]) -> bytes:
    from fpdf.fonts import FontFace

    listing = Listing(**spec)
    pdf = _document("landscape", listing.title, listing.font, margin=12)
    pdf.add_page()
    pdf.set_font("cjk", size=14)
    pdf.cell(text=listing.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=8)
    pdf.multi_cell(0, text=listing.subtitle, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("cjk", size=6)
    widths = (8, 40, 26, 22, 16, 26, 26, 30, 28, 28)[: len(listing.headings)]
    with pdf.table(col_widths=widths, headings_style=FontFace(fill_color=(230, 236, 244)), line_height=3.4) as table:
        header = table.row()
        for heading in listing.headings:
            header.cell(heading)
        for cells, details in zip(listing.rows, listing.details, strict=True):
            row = table.row()
            for cell in cells:
                row.cell(cell)
            table.row().cell(details, colspan=len(listing.headings))
    pdf.ln(8)
    pdf.set_font("cjk", size=9)
    for label in listing.signatures:
        pdf.cell(90, 8, text=f"{label}: ________________", new_x="RIGHT")
    return bytes(pdf.output())


def _letter(spec: dict[str, Any]) -> bytes:
    from fpdf.enums import WrapMode

    letter = Letter(**spec)
    pdf = _document("portrait", letter.title, letter.font, margin=18)
    pdf.set_margins(22, 20, 22)
    for text in letter.sections:
        pdf.add_page()
        heading, _, body = text.strip().partition("\n")
        # Chinese has no spaces to break at: wrap a Chinese text at any character (an English one
        # quoting a Chinese case number still wraps at words), and never justify.
        chinese = sum("\u4e00" <= ch <= "\u9fff" for ch in text)
        wrap = WrapMode.CHAR if chinese > len(text) // 10 else WrapMode.WORD
        pdf.set_font("cjk", size=15)
        pdf.multi_cell(0, 9, text=heading, align="C", new_x="LMARGIN", new_y="NEXT", wrapmode=wrap)
        pdf.ln(4)
        pdf.set_font("cjk", size=10.5)
        pdf.multi_cell(0, 6.2, text=body.strip(), align="L", new_x="LMARGIN", new_y="NEXT", wrapmode=wrap)
        pdf.ln(6)
        pdf.set_font("cjk", size=8)
        pdf.set_text_color(90, 90, 90)
        pdf.multi_cell(0, 4.5, text=letter.footer, new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
    return bytes(pdf.output())


if __name__ == "__main__":
    # Needed only when the bundle's originals have streamed: let the streaming have the CPU first.
    os.nice(10)
    job = json.load(sys.stdin)
    sys.stdout.buffer.write((_letter if job["layout"] == "letter" else _layout)(job["spec"]))
