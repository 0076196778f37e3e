"""The evidence list (证据清单) inside a bundle: CSV and PDF, in Chinese and English at once.

It names each item, its category, format, size, check values with their
algorithm, when and where it was collected, who provided it, and when the
portal received and a TSA timestamped it, as the 2016 provisions on
electronic data ask. Times are given in China Standard Time with the
offset written out, since the list goes into a Chinese case file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l

from evidence import bundle
from portal.i18n import both
from portal.labels import EVIDENCE_KIND
from portal.models import Case
from portal.services.bundles import ListedItem
from portal.services.errors import Unavailable

CHINA = ZoneInfo("Asia/Shanghai")
FONT_FACE = "Noto Sans CJK SC"


def _time(moment: datetime | None) -> str:
    return moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S UTC+08:00") if moment else ""


COLUMNS = (
    _l("No."),
    _l("File name"),
    _l("Category"),
    _l("Format"),
    _l("Size (bytes)"),
    "SHA-256",
    "SHA-512",
    "SM3",
    _l("Collected at"),
    _l("Collected where"),
    _l("Provided by"),
    _l("Received by the portal"),
    _l("Timestamped by the TSA"),
    _l("Path in the bundle"),
)
TITLE = _l("Evidence list")
EXPORTED_AT = _l("Exported at")
ITEMS = _l("items")
PREPARED_BY = _l("Prepared by")
CHECKED_BY = _l("Checked by")
HOLDER = _l("Holder of the data")


def _columns() -> list[str]:
    return [name if isinstance(name, str) else both(name, ' ') for name in COLUMNS]


def _row(listed: ListedItem) -> list[str]:
    item = listed.item
    return [
        str(listed.number),
        item.filename,
        both(EVIDENCE_KIND[item.kind], " "),
        item.media_type,
        str(item.size),
        item.sha256,
        item.sha512 or "",
        item.sm3 or "",
        _time(item.collected_at),
        item.collected_where,
        listed.provider,
        _time(item.received_at),
        _time(listed.timestamped_at),
        "data/" + listed.path,
    ]


def render(case: Case, listed: Sequence[ListedItem], now: datetime) -> dict[str, bytes]:
    return {bundle.EVIDENCE_LIST_CSV: _csv(listed), bundle.EVIDENCE_LIST_PDF: _pdf(case, listed, now)}


def _csv(listed: Sequence[ListedItem]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_columns())
    writer.writerows(_row(entry) for entry in listed)
    # A byte-order mark so spreadsheet programs read the Chinese as UTF-8.
    return ("\ufeff" + out.getvalue()).encode()


@cache
def _font(path: str) -> tuple[str, int]:
    """The file and collection index of the CJK face (a .ttc holds several)."""
    if not path.endswith(".ttc"):
        return path, 0
    from fontTools.ttLib import TTCollection

    faces = TTCollection(path).fonts
    for number, face in enumerate(faces):
        if face["name"].getDebugName(4) == FONT_FACE:
            return path, number
    return path, 0


def _pdf(case: Case, listed: Sequence[ListedItem], now: datetime) -> bytes:
    font_file = current_app.config["SETTINGS"].pdf_font
    if font_file is None or not Path(font_file).is_file():
        raise Unavailable("No Chinese font for the PDF evidence list: install fonts-noto-cjk or set PDF_FONT.")
    # fpdf2 pulls in Pillow and numpy; workers load them only once someone exports a bundle.
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    path, number = _font(str(font_file))
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_title(f"{both(TITLE, ' ')} {case.case_number}")
    pdf.set_creator("IP evidence portal")
    pdf.add_font("cjk", fname=path, collection_font_number=number)
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.set_font("cjk", size=14)
    pdf.cell(text=f"{both(TITLE, ' ')} · {case.case_number}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=8)
    pdf.multi_cell(
        0,
        text=f"{case.procuratorate} · {both(EXPORTED_AT, ' ')} {_time(now)} · {len(listed)} {both(ITEMS, ' ')}",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)
    pdf.set_font("cjk", size=6)
    headings = _columns()
    # Hashes and paths get their own line under each row, so the table stays readable on A4.
    main = [0, 1, 2, 3, 4, 8, 9, 10, 11, 12]
    with pdf.table(
        col_widths=(8, 40, 26, 22, 16, 26, 26, 30, 28, 28),
        headings_style=FontFace(fill_color=(230, 236, 244)),
        line_height=3.4,
    ) as table:
        header = table.row()
        for index in main:
            header.cell(headings[index])
        for entry in listed:
            values = _row(entry)
            row = table.row()
            for index in main:
                row.cell(values[index])
            hashes = table.row()
            hashes.cell(
                f"SHA-256 {values[5]}\nSHA-512 {values[6]}\nSM3 {values[7]}\n{headings[13]}: {values[13]}",
                colspan=len(main),
            )
    # The 2016 provisions have the collection list signed by those involved.
    pdf.ln(8)
    pdf.set_font("cjk", size=9)
    for role in (PREPARED_BY, CHECKED_BY, HOLDER):
        pdf.cell(90, 8, text=f"{both(role, ' ')}: ________________", new_x="RIGHT")
    return bytes(pdf.output())
