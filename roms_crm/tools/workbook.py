"""Reading an uploaded Excel workbook (.xlsx) safely, in plain Python (openpyxl).

A workbook is a zip of XML parts, so a small upload may unpack to gigabytes (a zip
bomb), hold a million blank rows or a cell far to the right. :func:`read_rows`
refuses such a file before or while it reads it, within the limits given by the
caller (``roms.customer.import`` reads them from the settings), and reads the
first sheet (or the one named as asked) once, cell by cell, in read-only mode.

A file that cannot be read at all raises :class:`WorkbookError`, whose ``errors``
carry lazily translated messages. A cell that cannot be imported as it is (a
formula error, a formula without a stored value, a text longer than the cell
limit, a number cell holding NaN or infinity, a date, TRUE/FALSE or text cell
whose stored value is none) comes as a :class:`BadCell` for the caller to report
on its row.
"""

import datetime
import io
import math
import re
import zipfile
from dataclasses import dataclass

import openpyxl
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._reader import (
    FORMULA_TAG,
    VALUE_TAG,
    WorkSheetParser,
    _cast_number,
)

from odoo.tools.translate import LazyTranslate

from .bounds import _num

_lt = LazyTranslate(__name__, default_lang="en_US")

# Parts of a workbook this small are never refused for their compression ratio.
RATIO_MIN_SIZE = 1 << 20
# Text dates as people type them, besides real Excel dates.
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")

# What a part of a workbook may not hold (``_declares_entities``): a document
# type declaration, in UTF-8 (and the encodings that write ASCII as it) or UTF-16.
DTD_MARKERS = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("ascii", "utf-16-le", "utf-16-be")
)
DTD_MARKER_LENGTH = max(len(marker) for marker in DTD_MARKERS)
XML_DECLARATION = re.compile(
    rb"""(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*["'](?P<encoding>[^"']*)["']"""
)
XML_ENCODINGS = (b"utf-8", b"utf8", b"utf-16", b"utf16")

# What openpyxl raises on a file that is not a readable .xlsx.
UNREADABLE_FILE = (
    zipfile.BadZipFile,
    InvalidFileException,
    LookupError,  # a shared string index out of range, a missing part
    ArithmeticError,
    OSError,
    ValueError,
    TypeError,
    SyntaxError,  # XML parse errors
)
UNREADABLE_MESSAGE = _lt(
    "The file is not an Excel workbook (.xlsx). Save it as an Excel "
    "workbook and upload it again."
)


@dataclass(frozen=True)
class Limits:
    """How big a workbook may be: its parts unpacked (MB) and their compression
    ratio, its rows (blank ones included), its columns and the length of a cell."""

    unpacked_mb: int
    ratio: int
    raw_rows: int
    columns: int
    cell_length: int


def file_error(message, row=0, column="", header=""):
    """An error about the whole file or its header row."""
    return {
        "row": row,
        "column": column,
        "header": header,
        "value": "",
        "message": message,
    }


class WorkbookError(Exception):
    """The file cannot be read or its columns are wrong: nothing can be imported.

    ``errors``: dicts with ``row`` (0 for the whole file), ``column`` (a letter),
    ``header``, ``value`` and ``message`` (lazily translated)."""

    def __init__(self, message=None, errors=None):
        self.errors = errors or [file_error(message)]
        super().__init__(self.errors[0]["message"])


class BadCell:
    """A cell that cannot be imported as it is (a formula error, a formula
    without a stored value, a text beyond the cell limit, a number, date,
    TRUE/FALSE or shared text that is none): a row error.
    ``message`` is lazily translated."""

    __slots__ = ("message", "text")

    def __init__(self, message, text):
        self.message = message
        self.text = text[:200]

    def __str__(self):
        return self.text


def text_key(text):
    """Compare names case- and space-insensitively."""
    return " ".join(str(text).split()).casefold()


def cell_text(value, keep_lines=False):
    """The text of a cell: numbers without their ``.0``, whitespace collapsed."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date() if not value.time() else value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    if keep_lines:
        return "\n".join(" ".join(line.split()) for line in text.strip().splitlines())
    return " ".join(text.split())


def parse_date(value):
    """A date from an Excel date, an Excel serial number or a text date; else None."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            value = from_excel(value)
        except (ValueError, OverflowError):
            return None
        return value.date() if isinstance(value, datetime.datetime) else None
    text = cell_text(value)
    for date_format in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, date_format).date()
        except ValueError:
            continue
    return None


# ``data_type`` of a cell whose stored value is none of its type (_CellParser):
# a number cell holding no finite number, a date cell (a date-formatted number,
# or typed "d") holding no date Excel can show, a TRUE/FALSE cell holding
# neither, a text cell pointing past the workbook's shared texts
NOT_A_NUMBER = "roms_nan"
NOT_A_DATE = "roms_not_date"
NOT_A_BOOLEAN = "roms_not_bool"
NO_SUCH_TEXT = "roms_no_text"


def _finite_number(text):
    """Whether the stored text of a number cell reads as a finite number as
    openpyxl reads it: not NaN, inf, 1e400, nor an integer beyond Python's
    4,300 digits."""
    try:
        value = _cast_number(text)
    except ValueError:
        return False
    return not isinstance(value, float) or math.isfinite(value)


def _excel_date(text, epoch):
    """Whether the stored text of a date-formatted number cell is a date Excel
    can show (from its epoch to 9999; Excel shows ##### for the others)."""
    number = _cast_number(text)
    if number < 0:
        return False
    try:
        from_excel(number, epoch)
    except (OverflowError, ValueError):
        return False
    return True


class _CellParser(WorkSheetParser):
    """openpyxl's worksheet parser, reading stored values, that also marks a
    formula without a stored value (``data_type`` "f"): read alone, such a cell
    looks empty; and a cell whose stored value is none of its type
    (``_unreadable``), with its text as value: openpyxl raised on most of them
    (or, for a date out of its range, warned and read an error), which refused
    the whole file."""

    def parse_cell(self, element):
        value = element.find(VALUE_TAG)
        if value is not None and value.text:
            data_type = self._unreadable(element, value.text)
            if data_type:
                text, value.text = value.text, None
                cell = super().parse_cell(element)
                cell.update(value=text, data_type=data_type)
                return cell
        cell = super().parse_cell(element)
        if cell["value"] is None and element.find(FORMULA_TAG) is not None:
            cell["data_type"] = "f"
        return cell

    def _unreadable(self, element, text):
        """The ``data_type`` of a cell whose stored ``text`` openpyxl cannot
        read as the cell's type says: an error code stored as a number ("e"),
        ``NOT_A_NUMBER``, ``NOT_A_DATE``, ``NOT_A_BOOLEAN``, ``NO_SUCH_TEXT``;
        None for a readable one."""
        data_type = element.get("t", "n")
        if data_type == "n":
            if text in ERROR_CODES:
                return "e"
            if not _finite_number(text):
                return NOT_A_NUMBER
            style_id = int(element.get("s", 0))
            if style_id in self.date_formats and not _excel_date(text, self.epoch):
                return NOT_A_DATE
        elif data_type == "d":
            try:
                from_ISO8601(text)
            except ValueError:
                return NOT_A_DATE
        elif data_type == "b":
            try:
                int(text)
            except ValueError:
                return NOT_A_BOOLEAN
        elif data_type == "s":
            try:
                index = int(text)
            except ValueError:
                return NO_SUCH_TEXT
            if not 0 <= index < len(self.shared_strings):
                return NO_SUCH_TEXT
        return None


def _filled(cell):
    """Whether a parsed cell holds anything: a value, or a formula."""
    return cell["data_type"] == "f" or bool(cell_text(cell["value"]))


def _declares_entities(archive, part):
    """Whether a part of the workbook holds a document type declaration (where
    XML entities are declared) or names another encoding than UTF-8 or UTF-16:
    OOXML parts never do (ECMA-376 part 2, Open Packaging Conventions), and an
    entity expands inside the parser, beyond any limit on the file's size
    (expat stops a bomb only past 8 MB of output, then at 100 times the input).
    The part is read once, in chunks."""
    tail = b""
    with archive.open(part) as stream:
        head = stream.read(1 << 16)
        declaration = XML_DECLARATION.match(head)
        if declaration and declaration["encoding"]:
            encoding = declaration["encoding"].lower().replace(b"_", b"-")
            if encoding not in XML_ENCODINGS:
                return True
        chunk = head
        while chunk:
            window = tail + chunk
            if any(marker in window for marker in DTD_MARKERS):
                return True
            tail = window[-DTD_MARKER_LENGTH:]
            chunk = stream.read(1 << 16)
    return False


def check_archive(content, limits):
    """Refuse a workbook whose parts unpack beyond the limits (a zip bomb)
    or declare XML entities (``_declares_entities``) before openpyxl reads any
    of them: the sizes a zip declares are those Python's zipfile stops at."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = archive.infolist()
            total = sum(part.file_size for part in parts)
            too_packed = any(
                part.file_size > RATIO_MIN_SIZE
                and part.file_size > limits.ratio * max(part.compress_size, 1)
                for part in parts
            )
            if total > limits.unpacked_mb * (1 << 20) or too_packed:
                raise WorkbookError(
                    _lt(
                        "The file unpacks to more than %(size)s MB or is packed "
                        "unusually tightly: it is refused. Save the customers "
                        "alone in a new workbook, or split it into smaller files.",
                        size=limits.unpacked_mb,
                    )
                )
            if any(_declares_entities(archive, part) for part in parts):
                raise WorkbookError(UNREADABLE_MESSAGE)
    except UNREADABLE_FILE as error:
        raise WorkbookError(UNREADABLE_MESSAGE) from error


def open_sheet(content, sheet_keys=()):
    """``(workbook, sheet)``, read-only, with stored values: the sheet whose
    name (as :func:`text_key`) is in ``sheet_keys``, else the first one."""
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(content), read_only=True, data_only=True
        )
    except UNREADABLE_FILE as error:
        raise WorkbookError(UNREADABLE_MESSAGE) from error
    sheet = next(
        (ws for ws in workbook.worksheets if text_key(ws.title) in sheet_keys),
        workbook.worksheets[0] if workbook.worksheets else None,
    )
    if sheet is None:
        workbook.close()
        raise WorkbookError(_lt("The file has no sheet."))
    sheet.reset_dimensions()
    return workbook, sheet


def match_header(header, aliases, required):
    """``{column index: column key}`` of the header row ``header`` (cell values).

    ``aliases``: ``{text_key(header): column key}``, None for a column to ignore;
    a trailing "*" is ignored. ``required``: ``[(column key, label)]`` of the
    columns that must be there.

    :raises WorkbookError: listing the unknown, repeated and missing columns.
    """
    columns, seen, errors = {}, {}, []
    for index, value in enumerate(header):
        text = cell_text(value).rstrip("*").strip()
        if not text:
            continue
        letter = get_column_letter(index + 1)
        if text_key(text) not in aliases:
            errors.append(
                file_error(
                    _lt(
                        "Unknown column %(header)s. Use the columns of the template.",
                        header=text,
                    ),
                    row=1,
                    column=letter,
                    header=text,
                )
            )
            continue
        key = aliases[text_key(text)]
        if key is None:
            continue
        if key in seen:
            errors.append(
                file_error(
                    _lt(
                        "The column %(header)s appears twice (columns "
                        "%(first)s and %(second)s).",
                        header=text,
                        first=seen[key],
                        second=letter,
                    ),
                    row=1,
                    column=letter,
                    header=text,
                )
            )
            continue
        seen[key] = letter
        columns[index] = key
    missing = [label for key, label in required if key not in seen]
    if missing:
        errors.append(
            file_error(
                _lt(
                    "The first row must hold the column headers of the "
                    "template; missing: %(columns)s.",
                    columns=", ".join(missing),
                ),
                row=1,
            )
        )
    if errors:
        raise WorkbookError(errors=errors)
    return columns


def read_rows(content, limits, aliases, required, sheet_keys=()):
    """Yield ``(header cells, {column index: column key})``, then ``(row
    number, {column key: cell value})`` for every non-empty row of the sheet
    (see :func:`open_sheet`); the header is matched by :func:`match_header`.

    The file is refused (``WorkbookError``) when it is no workbook, when its
    parts unpack too big, when it has more rows (blank ones included) or columns
    than ``limits``. A formula error, a formula without a stored value, a
    text longer than the cell limit and a cell whose stored value is none of
    its type (a number cell holding no finite number, a date cell no date, a
    TRUE/FALSE cell neither, a text cell no shared text) come as a
    :class:`BadCell`. The sheet is parsed once, cell by cell: a cell
    far to the right costs no more than any other."""
    check_archive(content, limits)
    workbook, sheet = open_sheet(content, sheet_keys)
    source = None
    try:
        source = sheet._get_source()
        parser = _CellParser(
            source,
            sheet._shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
        )
        columns = None
        last = 0
        for row_number, cells in parser.parse():
            if row_number > limits.raw_rows:
                raise WorkbookError(
                    _lt(
                        "The sheet has more than %(max)s rows, blank rows "
                        "included: delete the blank rows or split it into "
                        "smaller files.",
                        max=_num(limits.raw_rows),
                    )
                )
            if row_number <= last:
                continue  # rows out of order: the first one counts
            last = row_number
            filled = [cell for cell in cells if _filled(cell)]
            if any(cell["column"] > limits.columns for cell in filled):
                raise WorkbookError(
                    _lt(
                        "The sheet has more than %(max)s columns: keep only "
                        "the columns of the template.",
                        max=limits.columns,
                    )
                )
            if columns is None:
                header = [None] * (
                    max((cell["column"] for cell in filled), default=0)
                    if row_number == 1
                    else 0
                )
                if row_number == 1:
                    for cell in filled:
                        header[cell["column"] - 1] = cell["value"]
                header = tuple(header)
                columns = match_header(header, aliases, required)
                yield header, columns
                if row_number == 1:
                    continue
            if not filled:
                continue
            by_column = {cell["column"]: cell for cell in filled}
            yield (
                row_number,
                {
                    key: _cell(by_column.get(index + 1), limits.cell_length)
                    for index, key in columns.items()
                },
            )
        if columns is None:
            yield (), match_header((), aliases, required)
    except UNREADABLE_FILE as error:
        raise WorkbookError(UNREADABLE_MESSAGE) from error
    finally:
        if source is not None:
            source.close()
        workbook.close()


def _cell(cell, max_length):
    """The value of one parsed cell, or a ``BadCell`` explaining why it
    cannot be imported."""
    if cell is None:
        return None
    value = cell["value"]
    if cell["data_type"] == "e":
        return BadCell(
            _lt(
                "The cell holds a formula error (%(error)s): enter the value itself.",
                error=value,
            ),
            str(value),
        )
    if cell["data_type"] in UNREADABLE_TYPES:
        return BadCell(_unreadable_message(cell), value)
    if cell["data_type"] == "f":
        return BadCell(
            _lt(
                "The cell holds a formula without a stored value: enter the "
                "value itself, or open and save the file in Excel."
            ),
            "",
        )
    if isinstance(value, str) and len(value) > max_length:
        return BadCell(
            _lt(
                "The cell is too long: at most %(max)s characters.",
                max=_num(max_length),
            ),
            value,
        )
    return value


UNREADABLE_TYPES = (NOT_A_NUMBER, NOT_A_DATE, NOT_A_BOOLEAN, NO_SUCH_TEXT)


def _unreadable_message(cell):
    """Why a cell whose stored value is none of its type (``UNREADABLE_TYPES``)
    cannot be imported, naming the cell and its stored text."""
    data_type, value = cell["data_type"], cell["value"]
    shown = {
        "cell": get_column_letter(cell["column"]) + str(cell["row"]),
        "value": value[:20] + ("…" if len(value) > 20 else ""),
    }
    if data_type == NOT_A_DATE:
        return _lt(
            "Cell %(cell)s holds %(value)s, which is no date or time Excel can "
            "read (Excel's dates run from 1900 to 9999): type the date again.",
            **shown,
        )
    if data_type == NOT_A_BOOLEAN:
        return _lt(
            "Cell %(cell)s is a TRUE/FALSE cell holding %(value)s, which Excel "
            "cannot read: type the value again.",
            **shown,
        )
    if data_type == NO_SUCH_TEXT:
        return _lt(
            "Cell %(cell)s points to text number %(value)s, which the workbook "
            "does not hold (the file is damaged): type the value again, or open "
            "and save the file in Excel.",
            **shown,
        )
    return _lt(
        "Cell %(cell)s holds %(value)s, not a number Excel can store "
        "(NaN, infinity or too large): type the value again.",
        **shown,
    )
