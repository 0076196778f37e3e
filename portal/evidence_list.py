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
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from flask_babel import lazy_gettext as _l

from evidence import bundle, listing_pdf
from portal import printing
from portal.i18n import both
from portal.labels import EVIDENCE_KIND
from portal.models import Case
from portal.services.bundles import ListedItem
from portal.services.shanghai import CHINA


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
    return [name if isinstance(name, str) else both(name, " ") for name in COLUMNS]


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


# The PDF renders in a child process; a thread waits for it while the bundle's originals stream.
_RENDERING = ThreadPoolExecutor(max_workers=4, thread_name_prefix="evidence-list")


def render(case: Case, listed: Sequence[ListedItem], now: datetime) -> dict[str, Callable[[], bytes]]:
    """Start the evidence list: the CSV at once, the PDF in the background; each fetched when needed."""
    table = _csv(listed)
    pdf = _RENDERING.submit(printing.render, _listing(case, listed, now))
    return {bundle.EVIDENCE_LIST_CSV: lambda: table, bundle.EVIDENCE_LIST_PDF: pdf.result}


def _csv(listed: Sequence[ListedItem]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_columns())
    writer.writerows(_row(entry) for entry in listed)
    # A byte-order mark so spreadsheet programs read the Chinese as UTF-8.
    return ("\ufeff" + out.getvalue()).encode()


def _listing(case: Case, listed: Sequence[ListedItem], now: datetime) -> listing_pdf.Listing:
    font = printing.pdf_font()
    headings = _columns()
    rows = [_row(entry) for entry in listed]
    # Hashes and paths go on a line of their own under each row, so the table stays readable on A4.
    main = [0, 1, 2, 3, 4, 8, 9, 10, 11, 12]
    return listing_pdf.Listing(
        title=f"{both(TITLE, ' ')} · {case.case_number}",
        subtitle=f"{case.procuratorate} · {both(EXPORTED_AT, ' ')} {_time(now)} · {len(listed)} {both(ITEMS, ' ')}",
        headings=[headings[i] for i in main],
        rows=[[row[i] for i in main] for row in rows],
        details=[f"SHA-256 {r[5]}\nSHA-512 {r[6]}\nSM3 {r[7]}\n{headings[13]}: {r[13]}" for r in rows],
        # The 2016 provisions have the collection list signed by those involved.
        signatures=[both(role, " ") for role in (PREPARED_BY, CHECKED_BY, HOLDER)],
        font=font,
    )
