"""Excel files of the ROMS reports (xlsxwriter): formatted Rupiah, frozen header,
autofilter, constant memory (rows are streamed, so any size fits)."""

import io

import xlsxwriter

FORMATS = {
    "text": {},
    "int": {"num_format": "#,##0"},
    "float": {"num_format": "#,##0.00"},
    "money": {"num_format": '"Rp" #,##0'},
    "percent": {"num_format": '0.0"%"'},
    "date": {"num_format": "yyyy-mm-dd"},
    "datetime": {"num_format": "yyyy-mm-dd hh:mm"},
}
WIDTHS = {"text": 28, "money": 18, "date": 12, "datetime": 17}


def workbook_bytes(sheets):
    """``sheets``: a list of ``(title, columns, rows)``; ``columns`` is a list of
    ``(label, kind)`` with kind one of FORMATS, ``rows`` an iterable of tuples.
    Returns the .xlsx file as bytes."""
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
    header = book.add_format({"bold": True, "bg_color": "#E8EEF4", "border": 1})
    formats = {kind: book.add_format(spec) for kind, spec in FORMATS.items()}
    for title, columns, rows in sheets:
        sheet = book.add_worksheet(title[:31])
        for col, (label, kind) in enumerate(columns):
            sheet.set_column(col, col, max(WIDTHS.get(kind, 14), len(label) + 2))
        sheet.freeze_panes(1, 0)
        for col, (label, _kind) in enumerate(columns):
            sheet.write_string(0, col, label, header)
        last = 0
        for last, row in enumerate(rows, start=1):
            for col, value in enumerate(row):
                kind = columns[col][1]
                if value is None or value is False:
                    sheet.write_blank(last, col, None, formats[kind])
                elif kind == "text":
                    sheet.write_string(last, col, str(value))
                elif kind in ("date", "datetime"):
                    sheet.write_datetime(last, col, value, formats[kind])
                else:
                    sheet.write_number(last, col, value, formats[kind])
        sheet.autofilter(0, 0, max(last, 1), len(columns) - 1)
    book.close()
    return buffer.getvalue()
