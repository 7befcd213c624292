"""Excel workbooks (.xlsx) as ROMS writes them (xlsxwriter), in plain Python.

Every workbook ROMS hands out goes through :func:`workbook_bytes`: the customer
export, the import template and error report, the order export and the reports of
``roms_reports``. They share one look (a coloured header row, frozen and
filtered; formats per kind of column: Rupiah, dates, texts that look like numbers)
and two guarantees:

- a text stays a text: whatever a customer typed ("=HYPERLINK(…)", "+62 812…"),
  no cell becomes a formula, a link or a number;
- rows are streamed (xlsxwriter's constant memory mode): ``rows`` may be a
  generator reading the database in batches, and any size fits.
"""

import datetime
import io
from collections import namedtuple

import xlsxwriter

# The kinds of columns and their cell formats.
FORMATS = {
    "text": {},
    # texts that look like numbers (phone numbers, postal codes, SKUs): the whole
    # column is text, so that what the user types in stays as typed
    "code": {"num_format": "@"},
    "wrap": {"text_wrap": True, "valign": "top"},
    "number": {},
    "int": {"num_format": "#,##0"},
    "float": {"num_format": "#,##0.00"},
    "money": {"num_format": '"Rp" #,##0'},
    "percent": {"num_format": '0.0"%"'},
    "date": {"num_format": "yyyy-mm-dd"},
    "datetime": {"num_format": "yyyy-mm-dd hh:mm"},
    # any value, written as what it is: a date, a number or a text
    "value": {},
}
TEXT_KINDS = {"text", "code", "wrap"}
# The kinds whose format is also the column's, for the cells the user fills in.
COLUMN_FORMAT_KINDS = {"code", "wrap", "date", "datetime"}
WIDTHS = {"text": 28, "money": 18, "date": 12, "datetime": 17}
HEADER_FORMATS = {
    "header": {"bold": True, "bg_color": "#D9E1F2", "border": 1},
    # the header of a column that must be filled in
    "required": {"bold": True, "bg_color": "#FCE4D6", "border": 1},
}

Column = namedtuple(
    "Column",
    ["label", "kind", "width", "required", "validation"],
    defaults=("text", None, False, None),
)
Column.__doc__ = """A column: its header ``label``; its ``kind``, one of FORMATS;
its ``width`` in characters (by default from the kind and the label); whether it
is ``required`` (a header of another colour); a ``validation``: the options of
xlsxwriter's ``data_validation`` for the rows the user fills in."""

Sheet = namedtuple(
    "Sheet",
    ["title", "columns", "rows", "freeze", "autofilter", "input_rows"],
    defaults=(True, True, 0),
)
Sheet.__doc__ = """A worksheet: its ``title`` (cut to Excel's 31 characters), its
``columns`` (``Column`` or ``(label, kind)`` tuples) and its ``rows``, an
iterable of tuples of values (None, False and "" are empty cells). The header row
is frozen (``freeze``) and filtered (``autofilter``); the columns' validations
cover the data rows and at least ``input_rows`` rows below the header (those of
a template)."""


def workbook_bytes(sheets):
    """The .xlsx file of ``sheets`` (``Sheet`` or ``(title, columns, rows)``
    tuples), as bytes."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {
            "constant_memory": True,
            "remove_timezone": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    formats = {
        kind: book.add_format(spec) if spec else None for kind, spec in FORMATS.items()
    }
    headers = {kind: book.add_format(spec) for kind, spec in HEADER_FORMATS.items()}
    for spec in sheets:
        _write_sheet(book, Sheet(*spec), formats, headers)
    book.close()
    return buffer.getvalue()


def _write_sheet(book, spec, formats, headers):
    sheet = book.add_worksheet(spec.title[:31])
    columns = [Column(*column) for column in spec.columns]
    for col, column in enumerate(columns):
        width = column.width or max(WIDTHS.get(column.kind, 14), len(column.label) + 2)
        column_format = (
            formats[column.kind] if column.kind in COLUMN_FORMAT_KINDS else None
        )
        sheet.set_column(col, col, width, column_format)
    if spec.freeze:
        sheet.freeze_panes(1, 0)
    for col, column in enumerate(columns):
        header = headers["required" if column.required else "header"]
        sheet.write_string(0, col, column.label, header)
    last = 0
    for last, row in enumerate(spec.rows, start=1):
        for col, value in enumerate(row):
            _write_cell(sheet, last, col, value, columns[col].kind, formats)
    if spec.autofilter and columns:
        sheet.autofilter(0, 0, last, len(columns) - 1)
    for col, column in enumerate(columns):
        if column.validation and max(last, spec.input_rows):
            sheet.data_validation(
                1, col, max(last, spec.input_rows), col, column.validation
            )


def _write_cell(sheet, row, col, value, kind, formats):
    if value is None or value is False or (isinstance(value, str) and not value):
        if kind not in TEXT_KINDS and formats[kind]:
            sheet.write_blank(row, col, None, formats[kind])
        return
    if kind == "value":
        if isinstance(value, datetime.date):
            kind = "date"
        elif isinstance(value, int | float) and not isinstance(value, bool):
            kind = "number"
        else:
            kind = "text"
    if kind in TEXT_KINDS:
        sheet.write_string(row, col, str(value), formats[kind])
    elif kind in ("date", "datetime"):
        sheet.write_datetime(row, col, value, formats[kind])
    else:
        sheet.write_number(row, col, value, formats[kind])
