"""Reading a table (a header and rows of text) from an uploaded CSV or Excel file.

Uploads come from anyone with the right role and may be anything: a CSV in any of
the encodings and separators spreadsheets write, an .xlsx, or a PDF renamed .csv, a
zip bomb, an old .xls, a file of one endless line. Everything that is not a table
this module can read raises ``Unreadable`` with a message for the user, before any
caller has written anything. The limits are the caller's (``max_rows``); the size
of the upload is checked before it is read (``check_size``).
"""

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .spreadsheets import plain

# What a cell of a CSV may hold (csv's default limit is 128 KiB): a note is long, a
# "line" of megabytes is not a cell.
MAX_CELL = 100_000
# An .xlsx is a zip: what it may unpack to, and how much larger than packed, before it
# is taken for a zip bomb. A sheet of 50,000 customers unpacks to some 40 MB.
MAX_UNPACKED = 200 * 1024 * 1024
MAX_RATIO = 200
SEPARATORS = ";,\t"
# What each kind of file starts with, to name what was uploaded instead of a table.
PDF, ZIP, OLE2 = b"%PDF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0"


class Unreadable(ValueError):
    """The file is not a table this module reads; ``message`` says why to the user."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass
class Table:
    """A header (the first row that is not empty) and the rows after it, as text.
    ``numbers[i]`` is the row number of ``rows[i]`` as a spreadsheet shows it (the
    header's row is 1 when the file starts with it); empty rows are left out."""

    header: list
    rows: list = field(default_factory=list)
    numbers: list = field(default_factory=list)
    kind: str = "csv"


def check_size(size, limit):
    if size > limit:
        raise Unreadable(too_large_message(size, limit))


def too_large_message(size, limit):
    if size == limit + 1:  # stopped at the limit: its real size is not known
        return _("The file is larger than %(limit)s MB, the most that can be imported.") % {
            "limit": _megabytes(limit)
        }
    return _("The file is %(size)s MB; at most %(limit)s MB can be imported.") % {
        "size": _megabytes(size),
        "limit": _megabytes(limit),
    }


class UploadLimit(FileUploadHandler):
    """Stops receiving an uploaded file once it passes ``settings.UPLOAD_MAX_BYTES``, so a
    1 GB upload is neither kept in memory nor written to disk; the rest of the request
    is read and dropped. The fields before the file (the CSRF token) are kept, and the
    view finds ``exceeded(request)`` true and no file. The first of FILE_UPLOAD_HANDLERS."""

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = settings.UPLOAD_MAX_BYTES
        self.exceeded = False

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            self.exceeded = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


def upload_exceeded(request):
    """Whether an upload of ``request`` was stopped at the limit (UploadLimit)."""
    return any(getattr(handler, "exceeded", False) for handler in request.upload_handlers)


def _megabytes(size):
    return f"{size / 1024 / 1024:.1f}".rstrip("0").rstrip(".")


def read_table(data, *, max_rows, preview=False):
    """The table in ``data`` (the bytes of a CSV or .xlsx file), at most ``max_rows``
    rows after the header; raise Unreadable otherwise. A ``preview`` reads the header
    and the first ``max_rows`` rows only, and leaves the rest unread."""
    if data.startswith(PDF):
        raise Unreadable(_("This is a PDF file. Upload a CSV or Excel (.xlsx) file."))
    if data.startswith(OLE2):
        raise Unreadable(
            _("This is an old Excel file (.xls). Save it as .xlsx or CSV and upload that.")
        )
    if data.startswith(ZIP):
        return _table(_xlsx_rows(data), max_rows=max_rows, kind="xlsx", preview=preview)
    return _table(_csv_rows(_decode(data)), max_rows=max_rows, kind="csv", preview=preview)


def _table(rows, *, max_rows, kind, preview):
    try:
        return _collect(rows, max_rows=max_rows, kind=kind, preview=preview)
    finally:
        rows.close()  # a preview leaves the rest unread: the workbook closes now


def _collect(rows, *, max_rows, kind, preview):
    table = None
    for number, cells in enumerate(rows, start=1):
        if not any(cells):
            continue
        if table is None:
            table = Table(header=cells, kind=kind)
            continue
        if len(table.rows) == max_rows:
            if preview:
                break
            raise Unreadable(
                ngettext(
                    "The file has more than %(limit)s row; split it into smaller files.",
                    "The file has more than %(limit)s rows; split it into smaller files.",
                    max_rows,
                )
                % {"limit": f"{max_rows:,}".replace(",", " ")}
            )
        width = len(table.header)
        table.rows.append((cells + [""] * width)[:width] if len(cells) != width else cells)
        table.numbers.append(number)
    if table is None:
        raise Unreadable(_("The file is empty."))
    return table


def _decode(data):
    """Text from the encodings spreadsheets save CSV in: UTF-8 with or without a BOM,
    UTF-16 with a BOM ("Unicode text"), else Windows-1252 (Excel in Norway)."""
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise Unreadable(_("This is not a CSV or Excel file."))
    for encoding in ("utf-16", "utf-8-sig", "cp1252"):
        if encoding == "utf-16" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text
    raise Unreadable(_("The file's characters cannot be read. Save it as CSV (UTF-8)."))


def _separator(text):
    """The separator of the first line: the one of ; , and tab it holds most of."""
    first = text[: text.find("\n")] if "\n" in text else text
    counts = {separator: first.count(separator) for separator in SEPARATORS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ";"


def _csv_rows(text):
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_separator(text))
    previous = csv.field_size_limit(MAX_CELL)
    try:
        for cells in reader:
            yield [plain(cell.strip()) for cell in cells]
    except csv.Error as error:
        raise Unreadable(
            _("Row %(row)s cannot be read as CSV: a cell is too long or a quote is not closed.")
            % {"row": reader.line_num}
        ) from error
    finally:
        csv.field_size_limit(previous)


def _check_zip(data):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as error:
        raise Unreadable(_("The file cannot be read as an Excel file (.xlsx).")) from error
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_UNPACKED or unpacked > MAX_RATIO * max(len(data), 1):
        raise Unreadable(_("The Excel file unpacks to far more than it holds; it is refused."))
    if "xl/workbook.xml" not in {member.filename for member in members}:
        raise Unreadable(_("This is not an Excel workbook (.xlsx). Upload a CSV or .xlsx file."))


def _xlsx_rows(data):
    """The first sheet's rows as text. A formula is refused, not evaluated: its stored
    result may be stale and its text is not the customer's."""
    _check_zip(data)
    import openpyxl  # only imports of a spreadsheet need it

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise Unreadable(_("The file cannot be read as an Excel file (.xlsx).")) from error
    try:
        sheet = book.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(), start=1):
            cells = []
            for cell in row:
                if cell.data_type == "f":
                    raise Unreadable(
                        _("Cell %(cell)s holds a formula. Save the sheet with values only.")
                        % {"cell": f"{cell.column_letter}{number}"}
                    )
                cells.append(plain(_text(cell.value)))
            yield cells
    except Unreadable:
        raise
    except Exception as error:
        raise Unreadable(_("The file cannot be read as an Excel file (.xlsx).")) from error
    finally:
        book.close()


def _text(value):
    """A cell's value as the text a user typed: 1042 not 1042.0, a date as 01.12.2026."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime) and value.time() != datetime.time():
        return f"{value:%d.%m.%Y %H:%M}"
    if isinstance(value, datetime.date):
        return f"{value:%d.%m.%Y}"
    return str(value).strip()
