"""The bulk-filing template, in XLSX and CSV, and the rows of a filled-in copy of either.

One row is one complaint; the columns are named by the header row, in any
order. Reading is strict about the shape (a column the template does not
have, too many rows, a file that is neither) and lenient about cells: each
is read as text, and the batch service checks the values.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

from portal.models import EvidenceKind
from portal.services.errors import Invalid, translatable

MAX_SHEET_BYTES = 5 * 1024 * 1024
MAX_ROWS = 500
"""Rows one batch may file: above the 300 listings a marketplace takes in one notice."""
MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # what an XLSX's XML may unpack to: no zip bomb
MAX_INFRINGERS = 20
LIST_SEPARATOR = ";"


@dataclass(frozen=True)
class Column:
    name: str
    help: str
    max_length: int
    example: str = ""


INFRINGER_PARTS = {
    "name": (
        translatable("The alleged infringer's name: a company, a shop or a person."),
        300,
        "Shenzhen Example Trading Co.",
    ),
    "platform": (translatable("The marketplace or platform it sells on."), 100, "Taobao"),
    "shop_urls": (
        translatable("Web addresses of its shops or listings (http or https), separated by ;"),
        5000,
        "https://shop.example.com/item/1",
    ),
    "address": (translatable("Its postal address, if known."), 1000, ""),
}


def _infringer_columns(number: int) -> list[Column]:
    prefix = "infringer_" if number == 1 else f"infringer_{number}_"
    return [
        Column(prefix + part, text, size, example if number == 1 else "")
        for part, (text, size, example) in INFRINGER_PARTS.items()
    ]


COLUMNS: tuple[Column, ...] = (
    Column(
        "principal",
        translatable("Agents: the rights holder filed for, by its name in the portal. Empty: your own organisation."),
        300,
    ),
    Column("title", translatable("A short title. Required."), 200, "Counterfeit handbags on Taobao"),
    Column(
        "rights",
        translatable("Registration numbers of the rights holder's rights recorded in the portal, separated by ;"),
        2000,
        "G1234567",
    ),
    *_infringer_columns(1),
    *_infringer_columns(2),
    Column("facts", translatable("What was found, where and when."), 50_000, "Listings offer bags bearing the mark."),
    Column(
        "discovered_on", translatable("When it was found: a date, YYYY-MM-DD, not in the future."), 10, "2026-11-02"
    ),
    Column(
        "discovery_method",
        translatable("How it was found: a test purchase, a marketplace sweep ..."),
        5000,
        "Test purchase",
    ),
    Column("illegal_volume", translatable("Estimated illegal business volume: a number."), 30, "125000.00"),
    Column("units", translatable("Estimated units: a whole number."), 20, "800"),
    Column("currency", translatable("Currency of the volume: three letters (ISO 4217). Empty: CNY."), 3, "CNY"),
    Column("language", translatable("Language the complaint is written in: en or zh. Empty: en."), 2, "en"),
    Column(
        "evidence",
        translatable(
            "Evidence files, separated by ;: names of files in the ZIP sent with the sheet, "
            "or ids of finished resumable uploads."
        ),
        10_000,
        "listing-1.png; bag.jpg",
    ),
    Column(
        "evidence_kind",
        translatable("What the row's evidence files are: one of the kinds listed. Empty: other."),
        40,
        EvidenceKind.WEB_CAPTURE.value,
    ),
)
BY_NAME = {column.name: column for column in COLUMNS}
_NUMBERED_INFRINGER = re.compile(r"infringer_(\d{1,2})_(name|platform|shop_urls|address)")


def column_of(name: str) -> Column | None:
    """The template's column, or a further infringer's (infringer_3_name ... up to the limit)."""
    if name in BY_NAME:
        return BY_NAME[name]
    match = _NUMBERED_INFRINGER.fullmatch(name)
    if match and 2 <= int(match.group(1)) <= MAX_INFRINGERS:
        text, size, _example = INFRINGER_PARTS[match.group(2)]
        return Column(name, text, size)
    return None


@dataclass(frozen=True)
class SheetRow:
    number: int
    """As the spreadsheet shows it: the header is row 1."""
    values: dict[str, str]


def read(data: bytes) -> list[SheetRow]:
    """The filled-in rows of an XLSX or CSV copy of the template; blank rows are skipped."""
    if not data.strip():
        raise Invalid("The sheet is empty.", {"sheet": "Empty."})
    if len(data) > MAX_SHEET_BYTES:
        raise Invalid(
            "The sheet is larger than %(size)d MiB; split the batch.",
            {"sheet": "Too large."},
            size=MAX_SHEET_BYTES // (1024 * 1024),
        )
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise Invalid("This is an old Excel file (.xls); save it as .xlsx or CSV.", {"sheet": "Not .xlsx or CSV."})
    lines = _xlsx_lines(data) if data.startswith(b"PK\x03\x04") else _csv_lines(data)
    return _rows(lines)


def _xlsx_lines(data: bytes) -> Iterator[list[object]]:
    # openpyxl brings NumPy and Pillow when they are installed: the web worker loads it only to read a sheet.
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_UNPACKED_BYTES:
            raise Invalid(
                "The workbook unpacks to more than the portal reads; split the batch.", {"sheet": "Too large."}
            )
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Invalid:
        raise
    except Exception:  # openpyxl raises a dozen kinds for a file it cannot read
        raise Invalid(
            "The file is not a workbook the portal can read; save it as .xlsx or CSV.", {"sheet": "Unreadable."}
        ) from None
    try:
        sheet = book.worksheets[0]
        for line in sheet.iter_rows(values_only=True):
            yield list(line)
    finally:
        book.close()


def _csv_lines(data: bytes) -> Iterator[list[object]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid("Save the CSV file as UTF-8 (Excel: CSV UTF-8).", {"sheet": "Not UTF-8."}) from None
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)  # Excel writes ; where the decimal point is a comma
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    except csv.Error as exc:
        raise Invalid("The CSV file cannot be read: %(why)s.", {"sheet": "Unreadable."}, why=str(exc)) from None


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _header(line: list[object]) -> list[str]:
    names = [_cell(value).lower().replace(" ", "_") for value in line]
    while names and not names[-1]:
        names.pop()
    unknown = {
        name or f"column {index}": "Not a column of the template."
        for index, name in enumerate(names, 1)
        if column_of(name) is None
    }
    if unknown:
        raise Invalid(
            "The header row names columns the template does not have: %(names)s.",
            unknown,
            names=", ".join(sorted(unknown)),
        )
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise Invalid(
            "A column is named twice: %(names)s.", dict.fromkeys(twice, "Named twice."), names=", ".join(twice)
        )
    if "title" not in names:
        raise Invalid("The header row has no title column; start from the template.", {"title": "Missing column."})
    return names


def _rows(lines: Iterable[list[object]]) -> list[SheetRow]:
    rows: list[SheetRow] = []
    header: list[str] | None = None
    for number, line in enumerate(lines, start=1):
        cells = [_cell(value) for value in line]
        if not any(cells):
            continue
        if header is None:
            header = _header(line)
            continue
        if len(rows) == MAX_ROWS:
            raise Invalid(
                "A batch holds at most %(rows)d complaints; split the sheet.",
                {"sheet": "Too many rows."},
                rows=MAX_ROWS,
            )
        extra = [cell for cell in cells[len(header) :] if cell]
        values = dict(zip(header, cells, strict=False))
        if extra:
            values[""] = " ".join(extra)
        rows.append(SheetRow(number, values))
    if header is None:
        raise Invalid("The sheet is empty.", {"sheet": "Empty."})
    if not rows:
        raise Invalid("The sheet has a header but no complaints.", {"sheet": "No rows."})
    return rows


def template_xlsx(translate: Callable[[str], str]) -> bytes:
    """The workbook to fill in: the columns, lists of the values some take, and a sheet of help."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "complaints"
    sheet.append([column.name for column in COLUMNS])
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(index)].width = max(14, min(40, len(column.example) + 4))
    sheet.freeze_panes = "A2"
    kinds = DataValidation(
        type="list", formula1='"' + ",".join(kind.value for kind in EvidenceKind) + '"', allow_blank=True
    )
    languages = DataValidation(type="list", formula1='"en,zh"', allow_blank=True)
    for validation, name in ((kinds, "evidence_kind"), (languages, "language")):
        letter = get_column_letter([column.name for column in COLUMNS].index(name) + 1)
        validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
        sheet.add_data_validation(validation)
    help_sheet = book.create_sheet("help")
    help_sheet.append([translate("Column"), translate("What to write"), translate("Example")])
    for column in COLUMNS:
        help_sheet.append([column.name, translate(column.help), column.example])
    help_sheet.append([])
    help_sheet.append(["evidence_kind", ", ".join(kind.value for kind in EvidenceKind)])
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    help_sheet.column_dimensions["A"].width = 22
    help_sheet.column_dimensions["B"].width = 90
    help_sheet.column_dimensions["C"].width = 36
    for line in help_sheet.iter_rows(min_row=2):
        line[1].alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template_csv() -> bytes:
    """The header row, with a byte-order mark so that Excel opens it as UTF-8."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(column.name for column in COLUMNS)
    return out.getvalue().encode("utf-8-sig")
